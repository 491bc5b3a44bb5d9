import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    # 20 symbols of 31 ≈ 99 bits: printed as a QR code, never typed, and not guessable, so the
    # public page cannot be used to enumerate the province's documents.
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(20))


class SigningCertificate(models.Model):
    """An X.509 certificate of the provincial test CA: the CA itself, an agency's, or a person's.
    The private key is stored PKCS#8-encrypted with settings.PORTAL_SIGNING_KEY_PASSPHRASE."""

    class Kind(models.TextChoices):
        CA = "ca", _("CA tỉnh")
        AGENCY = "agency", _("Cơ quan")
        PERSON = "person", _("Cá nhân")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    common_name = models.CharField(_("tên chủ thể"), max_length=200)
    organization = models.CharField(_("tổ chức"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
        verbose_name=_("cơ quan"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
        verbose_name=_("cá nhân"),
    )
    issuer = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="issued", verbose_name=_("CA cấp")
    )
    serial_number = models.CharField(_("số sê-ri"), max_length=64)
    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    encrypted_key_pem = models.TextField(_("khóa bí mật (mã hóa)"))
    key_algorithm = models.CharField(_("thuật toán khóa"), max_length=20, default="ec-p256")
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="ca", is_active=True), name="signing_one_active_ca"
            ),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(kind="agency", is_active=True), name="signing_one_active_cert_per_agency"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind="person", is_active=True), name="signing_one_active_cert_per_user"
            ),
            models.CheckConstraint(
                condition=Q(kind="ca", issuer__isnull=True)
                | Q(kind="agency", agency__isnull=False, issuer__isnull=False)
                | Q(kind="person", user__isnull=False, issuer__isnull=False),
                name="signing_certificate_subject_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.common_name}"


class SignedDocument(models.Model):
    """A PDF signed by the portal (PAdES). The public page /verify/<code>/ re-validates `file`
    against the provincial CA each time it is opened."""

    verification_code = models.CharField(_("mã kiểm tra"), max_length=32, unique=True, default=new_verification_code)
    # Shown on the public verification page: name the kind of document, not the person
    # ("Giấy phép xây dựng", not "Giấy phép xây dựng của Nguyễn Văn A").
    title = models.CharField(_("tên văn bản"), max_length=300)
    file = models.FileField(_("tệp đã ký"), upload_to="signed/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="signed_documents", verbose_name=_("chứng thư")
    )
    signer_name = models.CharField(_("người/cơ quan ký"), max_length=200)
    signer_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan ký"),
    )
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cá nhân ký"),
    )
    signed_at = models.DateTimeField(_("ký lúc"), default=timezone.now)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="signeddoc_object_idx")]

    def __str__(self):
        return f"{self.title} ({self.verification_code})"

    @property
    def audit_agency_id(self) -> int | None:
        # Audit rows about a signed document are readable by the signing agency's officials.
        return self.signer_agency_id

    def get_verification_url(self) -> str:
        return reverse("signing:verify", kwargs={"code": self.verification_code})

    def get_absolute_verification_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_verification_url()
