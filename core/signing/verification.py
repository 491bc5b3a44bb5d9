"""Validating a signed PDF with pyHanko against the provincial CA as the only trust root."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.signing import crypto
from core.signing.models import SignedDocument, SigningCertificate

logger = logging.getLogger(__name__)


@dataclass
class SignatureReport:
    signer_name: str = ""
    signer_organization: str = ""
    signing_time: datetime | None = None
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    # An earlier signature of a document several people signed in turn: it covers its own
    # revision, and what came after it only adds signatures or form fields (pyHanko's difference
    # analysis), never page content.
    later_changes_allowed: bool = False

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and (self.covers_whole_file or self.later_changes_allowed)


@dataclass
class VerificationResult:
    sha256: str
    readable: bool = True
    signatures: list[SignatureReport] = field(default_factory=list)
    # The portal's record of this exact file (matched by hash), if it is one the portal signed.
    document: SignedDocument | None = None
    error: str = ""
    # More signatures than PORTAL_VERIFY_MAX_SIGNATURES: none was validated (each costs a chain
    # validation; a file with thousands would hold a worker for minutes).
    too_many_signatures: int = 0

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        return self.readable and self.signed and not self.too_many_signatures and all(s.valid for s in self.signatures)

    @property
    def main(self) -> SignatureReport | None:
        return self.signatures[-1] if self.signatures else None


def _trust_roots():
    # Every CA the portal ever had (an old document stays valid after a CA rotation).
    return [
        crypto.asn1_cert(pem)
        for pem in SigningCertificate.objects.filter(kind="ca").values_list("certificate_pem", flat=True)
    ]


def verify_pdf(data: bytes) -> VerificationResult:
    """Validate every signature of `data`: intact (the signed bytes are unchanged), trusted (a chain
    to the provincial CA) and covering the whole file (nothing appended after signing). Never
    raises on bad input: an unreadable file is reported as such."""
    result = VerificationResult(sha256=hashlib.sha256(data).hexdigest())
    result.document = SignedDocument.objects.filter(sha256=result.sha256).select_related("certificate").first()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        result.readable = False
        result.error = type(exc).__name__
        return result
    if len(embedded) > settings.PORTAL_VERIFY_MAX_SIGNATURES:
        result.too_many_signatures = len(embedded)
        return result
    roots = _trust_roots()
    for sig in embedded:
        report = SignatureReport()
        try:
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            status = crypto.run_sync(validate_pdf_signature, sig, context)
            report.intact = bool(status.intact and status.valid)
            report.trusted = bool(status.trusted)
            report.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            report.later_changes_allowed = (
                sig is not embedded[-1]
                and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
                and status.modification_level is not None
                and status.modification_level <= ModificationLevel.FORM_FILLING
                and status.docmdp_ok is not False
            )
            report.signing_time = status.signer_reported_dt
            subject = status.signing_cert.subject.native
            report.signer_name = subject.get("common_name", "")
            report.signer_organization = subject.get("organization_name", "")
        except Exception as exc:  # noqa: BLE001 - a broken signature is an invalid one
            logger.info("signature validation failed: %s", type(exc).__name__)
            result.error = type(exc).__name__
        result.signatures.append(report)
    return result
