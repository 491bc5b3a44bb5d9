from django.contrib import admin

from core.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only, like the table itself (a trigger refuses UPDATE and DELETE)."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "object_repr", "agency")
    list_filter = ("object_type",)
    search_fields = ("action", "object_id", "actor_label", "request_id")
    date_hierarchy = "at"
    list_select_related = ("agency",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]
    show_full_result_count = False  # the log grows large: no COUNT(*) on every page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
