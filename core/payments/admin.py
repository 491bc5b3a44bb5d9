from django.contrib import admin

from core.payments.models import Payment, ReceiptCounter, Refund


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: a payment changes state only through core.payments.services (audited)."""

    list_display = ("reference", "created_at", "purpose", "amount", "status", "receipt_number", "payer_name")
    list_filter = ("status", "purpose", "provider")
    search_fields = ("reference", "receipt_number", "payer_name", "payer_phone", "object_id", "idempotency_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "token"]
    exclude = ("token",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(admin.ModelAdmin):
    list_display = ("year", "last_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Read-only: money to pay back is recorded by the callback service and settled on the finance
    office's page (payments:refunds), both audited."""

    list_display = ("created_at", "payment", "amount", "reason", "status", "resolved_at", "note")
    list_filter = ("status", "reason")
    search_fields = ("payment__reference", "provider_transaction_id", "payment__payer_name", "note")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Refund._meta.fields]

    def _finance(self, request) -> bool:
        # Staff accounts of the finance office see refunds without a per-model permission grant.
        from core.permissions import user_has_role
        from core.users import roles

        return request.user.is_staff and user_has_role(request.user, roles.FINANCE_OFFICER)

    def has_view_permission(self, request, obj=None):
        return self._finance(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self._finance(request) or super().has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
