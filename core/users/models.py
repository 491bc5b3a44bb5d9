from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.users import roles
from core.users.validators import validate_citizen_id, validate_vn_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person using the portal; logs in with their email. Roles are groups (core.users.roles)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[validate_vn_phone])
    citizen_id = models.CharField(
        _("số CCCD"), max_length=12, blank=True, validators=[validate_citizen_id], help_text=_("12 chữ số")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("cơ quan"),
    )
    admin_unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("đơn vị hành chính")
    )
    # Set only from a verified identity (VNeID): the profile form cannot change these afterwards.
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    identity_verified_at = models.DateTimeField(_("xác thực danh tính lúc"), null=True, blank=True)
    preferred_language = models.CharField(
        _("ngôn ngữ"), max_length=5, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(fields=["citizen_id"], condition=~Q(citizen_id=""), name="user_unique_citizen_id"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.email

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names.intersection(names))

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_official(self) -> bool:
        return bool(self.role_names & roles.OFFICIAL_ROLES)
