from django.contrib import admin

from government.meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Read-only: changes go through the services (state machine, invitations, audit).
    list_display = ("title", "agency", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = [f.name for f in Meeting._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
