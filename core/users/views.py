from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core.errors import ServiceError, apply_to_form
from core.users import services
from core.users.adapter import set_language_cookie
from core.users.forms import ProfileForm


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                user = services.profile_update(user=user, actor=user, **form.cleaned_data)
            except ServiceError as exc:
                apply_to_form(form, exc)
            except IntegrityError:
                # Two accounts saving the same CCCD at the same moment: the database constraint wins.
                form.add_error("citizen_id", _("Số CCCD này đã được dùng cho một tài khoản khác."))
            if not form.errors:
                language = user.preferred_language
                translation.activate(language)
                messages.success(request, _("Đã lưu thông tin cá nhân."))
                response = redirect("users:profile")
                set_language_cookie(response, language)
                return response
    else:
        form = ProfileForm(
            user=user,
            initial={
                "full_name": user.full_name,
                "phone": user.phone,
                "citizen_id": user.citizen_id,
                "preferred_language": user.preferred_language,
            },
        )
    return render(request, "account/profile.html", {"form": form, "vneid_enabled": bool(settings.PORTAL_VNEID_ISSUER)})


@require_POST
def switch_language(request):
    """Django's set_language (cookie, safe `next` redirect), and for a signed-in person the choice is
    also saved on their account so it follows them to their next login on another device."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in services.LANGUAGES:
        services.user_set_language(user=request.user, language=language)
    return response
