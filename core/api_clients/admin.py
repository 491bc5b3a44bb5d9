"""Read-only views of machine clients in the Django admin: issuing, rotating and revoking happen on
the portal page (core.api_clients.views), where the new key is shown once and every step audited."""

from django.contrib import admin

from core.api_clients.models import ApiCall, ApiClient, ApiKey


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "owner_agency", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "organisation", "keys__prefix")
    inlines = [ApiKeyInline]
    readonly_fields = [f.name for f in ApiClient._meta.fields] + ["units"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "key_prefix", "service", "method", "path", "status", "rows", "duration_ms")
    list_filter = ("service", "status")
    search_fields = ("key_prefix", "path")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in ApiCall._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
