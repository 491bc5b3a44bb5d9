from core.signing.models import SignedDocument, SigningCertificate


def signing_ca_active() -> SigningCertificate | None:
    """The active provincial CA, or None before provisioning created it (reads only)."""
    return SigningCertificate.objects.filter(kind="ca", is_active=True).first()


def signed_document_by_code(code: str) -> SignedDocument | None:
    if not code or len(code) > 32:
        return None
    return SignedDocument.objects.select_related("certificate", "signer_agency").filter(verification_code=code).first()
