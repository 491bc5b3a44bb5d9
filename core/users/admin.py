"""Administrators create and manage accounts here (officials cannot sign up)."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.users import services
from core.users.models import User

# The admin's own login form would sign a staff member in with a password only, skipping the TOTP
# step allauth asks for: send it to the portal's login page instead (allauth's documented recipe).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Quản trị Cổng CĐS Lạng Sơn")
admin.site.site_title = _("Quản trị Cổng CĐS Lạng Sơn")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        # Emails are the login: stored lower-case (as the manager does), unique whatever the case.
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Đã có tài khoản dùng địa chỉ email này."), code="duplicate_email")
        return email


class UserChangeForm(DjangoUserChangeForm):
    # Django's change form shows the password as a read-only hash with a "reset" link.
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "full_name",
            "phone",
            "citizen_id",
            "preferred_language",
            "agency",
            "admin_unit",
            "is_active",
            "groups",
            "is_staff",
            "is_superuser",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "agency", "admin_unit", "role_list", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "agency__kind")
    search_fields = ("email", "full_name", "phone", "citizen_id", "agency__name")
    raw_id_fields = ("agency", "admin_unit")
    filter_horizontal = ("groups",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "phone", "citizen_id", "preferred_language")}),
        (_("Công tác"), {"fields": ("agency", "admin_unit")}),
        (_("Vai trò và quyền"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "agency",
                    "admin_unit",
                    "groups",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("vai trò"))
    def role_list(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "admin_unit").prefetch_related("groups")

    def get_form(self, request, obj=None, **kwargs):
        # The add form lists extra fields (name, agency, unit, roles) that Django's creation form
        # does not declare: let the modelform factory add them.
        if obj is None:
            kwargs["fields"] = ["email", "full_name", "agency", "admin_unit", "groups"]
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        self._before = services.admin_snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Groups are saved here (after save_model): audit once everything is in place.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            services.user_admin_save(
                actor=request.user, user=form.instance, created=not change, before=getattr(self, "_before", None)
            )
