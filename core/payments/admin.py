from django.contrib import admin

from core.payments.models import Payment, ReceiptCounter


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
