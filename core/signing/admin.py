from django.contrib import admin

from core.signing.models import SignedDocument, SigningCertificate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyAdmin):
    list_display = ("kind", "common_name", "organization", "not_after", "is_active", "fingerprint_sha256")
    list_filter = ("kind", "is_active")
    search_fields = ("common_name", "organization", "fingerprint_sha256", "serial_number")
    # The encrypted private key is never shown, not even to administrators.
    exclude = ("encrypted_key_pem",)


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("signed_at", "title", "signer_name", "verification_code", "object_type", "object_id")
    search_fields = ("verification_code", "title", "sha256", "object_id")
    date_hierarchy = "signed_at"
