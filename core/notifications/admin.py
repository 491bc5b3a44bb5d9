from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff see what was sent to whom, and why a message failed. Rows are written by services only."""

    list_display = ("created_at", "event", "channel", "address", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "event")
    search_fields = ("address", "subject", "event", "dedupe_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các thông báo đang chờ"))
    def requeue(self, request, queryset):
        from core.notifications.tasks import deliver

        ids = list(queryset.filter(status=Notification.Status.PENDING).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(lambda pk=pk: deliver.delay(pk))
        self.message_user(request, _("Đã xếp hàng gửi lại %(n)d thông báo.") % {"n": len(ids)}, messages.SUCCESS)
