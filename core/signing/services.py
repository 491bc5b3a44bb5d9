"""Signing: the provincial test CA, certificates per agency and per person, and `sign_pdf`.

The CA is created by provisioning (`load_reference_data`, through core/signing/reference.py, or
`manage.py signing_init_ca`) or else by the first signing; each certificate on its first signing. Both
under a PostgreSQL advisory lock so concurrent first uses create exactly one. Pages only read them
(selectors.signing_ca_active): a GET never creates a key. Private keys never leave the
database unencrypted (PKCS#8 with settings.PORTAL_SIGNING_KEY_PASSPHRASE).
"""

import hashlib
import zlib
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import QRStampStyle

from core.audit.services import audit_record
from core.files import random_file_name
from core.signing import crypto
from core.signing.models import SignedDocument, SigningCertificate, new_verification_code
from core.signing.selectors import signing_ca_active

CA_COMMON_NAME = "Lang Son Provincial Test CA"
CA_ORGANIZATION = "UBND tỉnh Lạng Sơn (thử nghiệm)"
# Renew a certificate that would expire within this many days, so a signature is never made
# with a certificate about to lapse.
RENEW_BEFORE_DAYS = 30
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIGNATURE_BYTES_RESERVED = 8192


class SigningError(Exception):
    pass


def _advisory_lock(name: str) -> None:
    # Transaction-scoped: released at commit/rollback.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x5167, zlib.crc32(name.encode()) & 0x7FFFFFFF])


def _usable(cert: SigningCertificate | None) -> bool:
    return cert is not None and cert.not_after > timezone.now() + timezone.timedelta(days=RENEW_BEFORE_DAYS)


def signing_ca_get_or_create() -> SigningCertificate:
    """The active provincial CA, created if there is none (audited `signing.ca.create`)."""
    ca = signing_ca_active()
    if ca is not None:
        return ca
    with transaction.atomic():
        _advisory_lock("signing-ca")
        ca = signing_ca_active()
        if ca is not None:
            return ca
        now = timezone.now()
        key = crypto.new_key()
        cert = crypto.make_ca_certificate(key, common_name=CA_COMMON_NAME, organization=CA_ORGANIZATION, now=now)
        ca = SigningCertificate.objects.create(
            kind="ca",
            common_name=CA_COMMON_NAME,
            organization=CA_ORGANIZATION,
            serial_number=format(cert.serial_number, "x"),
            fingerprint_sha256=crypto.fingerprint(cert),
            certificate_pem=crypto.cert_pem(cert),
            encrypted_key_pem=crypto.encrypt_key(key),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
        audit_record(
            actor=None,
            actor_label="system:signing",
            action="signing.ca.create",
            obj=ca,
            after={"fingerprint_sha256": ca.fingerprint_sha256, "not_after": ca.not_after},
        )
        return ca


def signing_certificate_for(*, agency=None, user=None, organization: str | None = None) -> SigningCertificate:
    """The active certificate of a person (when `user` is given) or an agency, issued by the
    provincial CA on first use and renewed when it nears expiry. Audited `signing.certificate.issue`.
    `organization` names the person's organisation in a new certificate when it is not their
    agency (a teacher's school, say)."""
    if user is None and agency is None:
        raise SigningError("a signer (agency or user) is required")
    kind = "person" if user is not None else "agency"
    lookup = {"user": user} if kind == "person" else {"agency": agency}
    current = SigningCertificate.objects.filter(kind=kind, is_active=True, **lookup).first()
    if _usable(current):
        return current
    ca = signing_ca_get_or_create()
    with transaction.atomic():
        _advisory_lock(f"signing-{kind}-{(user or agency).pk}")
        current = SigningCertificate.objects.select_for_update().filter(kind=kind, is_active=True, **lookup).first()
        if _usable(current):
            return current
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
        if kind == "person":
            common_name = user.get_full_name()
            organization = (
                organization
                if organization is not None
                else (user.agency.name if getattr(user, "agency_id", None) else "")
            )
        else:
            common_name, organization = agency.name, (agency.parent.name if agency.parent_id else "")
        now = timezone.now()
        key = crypto.new_key()
        cert = crypto.make_signing_certificate(
            key,
            ca_cert=crypto.load_cert(ca.certificate_pem),
            ca_key=crypto.decrypt_key(ca.encrypted_key_pem),
            common_name=common_name,
            organization=organization,
            now=now,
        )
        issued = SigningCertificate.objects.create(
            kind=kind,
            common_name=common_name[:200],
            organization=organization[:200],
            issuer=ca,
            serial_number=format(cert.serial_number, "x"),
            fingerprint_sha256=crypto.fingerprint(cert),
            certificate_pem=crypto.cert_pem(cert),
            encrypted_key_pem=crypto.encrypt_key(key),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            **lookup,
        )
        audit_record(
            actor=None,
            actor_label="system:signing",
            action="signing.certificate.issue",
            obj=issued,
            before={"replaced": current.fingerprint_sha256} if current else None,
            after={"kind": kind, "subject": common_name, "fingerprint_sha256": issued.fingerprint_sha256},
        )
        return issued


def _stamp_box(writer: IncrementalPdfFileWriter) -> tuple[int, tuple[int, int, int, int]]:
    """Bottom-right of the last page, inside the area render_pdf leaves free (core.pdf.STAMP_AREA_MM)."""
    pages = writer.root["/Pages"]
    last = int(pages["/Count"]) - 1
    page_ref, _resources = writer.find_page_for_modification(last)
    x0, y0, x1, _y1 = (float(v) for v in page_ref.get_object()["/MediaBox"])
    width = min(290, int(x1 - x0) - 30)
    return last, (int(x1) - 15 - width, int(y0) + 12, int(x1) - 15, int(y0) + 108)


def _signer(certificate: SigningCertificate):
    return crypto.kept_key_signer(
        certificate_pem=certificate.certificate_pem,
        encrypted_key_pem=certificate.encrypted_key_pem,
        ca_pem=certificate.issuer.certificate_pem,
        fingerprint=certificate.fingerprint_sha256,
    )


def sign_pdf_bytes(*, pdf_bytes: bytes, certificate: SigningCertificate, field_name: str, reason: str = "") -> bytes:
    """Add one invisible PAdES B-B signature (SHA-256) by `certificate` to `pdf_bytes` as an
    incremental update, so earlier signatures stay valid: the building block of documents signed by
    several people in turn (the caller prints who signs on the page itself). Pure: no database
    writes, no audit; the caller stores the result and records the act. Raises SigningError for a
    PDF that cannot be read."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except Exception as exc:
        raise SigningError(f"unreadable PDF: {type(exc).__name__}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=certificate.common_name,
        reason=reason[:200] or None,
        location="Lạng Sơn, Việt Nam",
    )
    # A fixed reservation for the CMS container: without it pyHanko signs twice (a dry run to
    # measure the size first). An EC P-256 signature with its certificate and the CA's is ~1.5 kB.
    output = crypto.run_sync(
        signers.PdfSigner(meta, _signer(certificate)).sign_pdf, writer, bytes_reserved=SIGNATURE_BYTES_RESERVED
    )
    return output.getvalue()


def sign_pdf(
    *,
    pdf_bytes: bytes,
    title: str,
    signer_agency=None,
    signer_user=None,
    obj: Model | None = None,
    actor=None,
) -> SignedDocument:
    """Sign a PDF (PAdES B-B, SHA-256) with the person's certificate when `signer_user` is given,
    else the agency's, adding a visible stamp on the last page with a QR code to the public
    verification page (settings.SITE_URL + /verify/<code>/). Stores and returns the SignedDocument
    (audited `signing.document.sign`). Raises SigningError for a missing signer or a PDF that
    cannot be read."""
    certificate = signing_certificate_for(agency=signer_agency, user=signer_user)
    code = new_verification_code()
    document = SignedDocument(verification_code=code)
    url = document.get_absolute_verification_url()
    signer = _signer(certificate)
    signed_at = timezone.now()
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
        page, box = _stamp_box(writer)
    except Exception as exc:
        raise SigningError(f"unreadable PDF: {type(exc).__name__}") from exc
    style = QRStampStyle(
        border_width=1,
        stamp_text=("Ký số bởi: %(signer)s\nThời gian: %(local_ts)s\nMã kiểm tra: %(code)s\nKiểm tra tại: %(url)s"),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(Path(STAMP_FONT))), font_size=7),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=f"Sig-{code}",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=certificate.common_name,
        reason=title[:200],
        location="Lạng Sơn, Việt Nam",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=f"Sig-{code}", on_page=page, box=box),
    )
    output = crypto.run_sync(
        pdf_signer.sign_pdf,
        writer,
        appearance_text_params={
            "url": url,
            "code": code,
            "local_ts": timezone.localtime(signed_at).strftime("%H:%M %d/%m/%Y (GMT+7)"),
        },
    )
    signed = output.getvalue()
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        document.title = title[:300]
        document.sha256 = digest
        document.size = len(signed)
        document.certificate = certificate
        document.signer_name = certificate.common_name
        document.signer_agency = signer_agency if signer_agency is not None else getattr(signer_user, "agency", None)
        document.signer_user = signer_user
        document.signed_at = signed_at
        if obj is not None:
            document.object_type, document.object_id = obj._meta.label_lower, str(obj.pk)
        document.created_by = actor if getattr(actor, "is_authenticated", False) else None
        document.file.save(random_file_name("signed.pdf"), ContentFile(signed), save=False)
        document.save()
        audit_record(
            actor=actor,
            action="signing.document.sign",
            obj=document,
            after={
                "title": document.title,
                "sha256": digest,
                "signer": document.signer_name,
                "certificate": certificate.fingerprint_sha256,
                "object": f"{document.object_type}#{document.object_id}" if obj is not None else "",
            },
        )
    return document
