"""The driver's pages: found by code and phone, opened by the link sent by SMS, fees paid there; in
the language chosen at declaration."""

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from border_gate import selectors, services
from border_gate.forms import (
    DriverFindForm,
)
from border_gate.models import DRIVER_LANGUAGES, Entry
from core import ratelimit
from core.errors import ServiceError

# The driver's page is read by drivers from both sides of the border: most on the import side read
# Chinese, so it offers Simplified Chinese besides the portal's two languages. The choice is a link
# (`?lang=`, no JavaScript needed), remembered for the driver pages only.
DRIVER_LANGUAGE_COOKIE = "portal_driver_language"


def _qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=5, dark="#1b1f23", light="#ffffff", border=2)


def _driver_url(request, entry) -> str:
    return request.build_absolute_uri(reverse("border_gate:driver", args=[entry.token]))


# -- public ----------------------------------------------------------------------------------------


def _driver_language(request, entry: Entry | None) -> str:
    codes = {code for code, _label in DRIVER_LANGUAGES}
    for candidate in (request.GET.get("lang"), request.COOKIES.get(DRIVER_LANGUAGE_COOKIE)):
        if candidate in codes:
            return candidate
    if entry is not None and "portal_language" not in request.COOKIES and entry.driver_language in codes:
        return entry.driver_language
    return get_language() or "vi"


@never_cache
def driver_find(request):
    """The driver's way to their page without the link: the declaration code and their phone."""
    language = _driver_language(request, None)
    # `?lang=` alone only chooses the language: the form is bound once a code or phone is sent.
    form = DriverFindForm(request.GET if {"code", "phone"} & set(request.GET) else None)
    status = 200
    with translation.override(language):
        if form.is_bound and form.is_valid():
            if not ratelimit.allow(request, "driver-find", limit=30, window_seconds=3600):
                form.add_error(None, _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau một giờ."))
                status = 429
            else:
                entry = selectors.entry_for_driver(form.cleaned_data["code"], form.cleaned_data["phone"])
                if entry is not None:
                    return redirect(reverse("border_gate:driver", args=[entry.token]) + f"?lang={language}")
                form.add_error(None, _("Không tìm thấy lượt xe với mã và số điện thoại này."))
        elif form.is_bound:
            status = 400
        response = render(
            request,
            "border_gate/driver_find.html",
            {"form": form, "driver_languages": DRIVER_LANGUAGES, "driver_language": language},
            status=status,
        )
    response["Content-Language"] = language
    return response


@never_cache
def driver_page(request, token):
    entry = selectors.entry_by_token(token)
    if entry is None:
        raise Http404
    language = _driver_language(request, entry)
    with translation.override(language):
        context = {
            "entry": entry,
            "status": selectors.driver_status(entry),
            "qr": _qr_svg(_driver_url(request, entry)),
            "steps": selectors.entry_steps(entry),
            "driver_languages": DRIVER_LANGUAGES,
            "driver_language": language,
        }
        template = "border_gate/_driver_status.html" if request.htmx else "border_gate/driver.html"
        response = render(request, template, context)
    response["Content-Language"] = language
    if request.GET.get("lang") == language:
        response.set_cookie(
            DRIVER_LANGUAGE_COOKIE,
            language,
            max_age=60 * 60 * 24 * 365,
            path=reverse("border_gate:driver-find"),  # /…/d/: the driver pages only
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@require_POST
def driver_pay(request, token):
    entry = selectors.entry_by_token(token)
    if entry is None:
        raise Http404
    try:
        payment = services.fee_request_payment(actor=request.user, entry=entry)
    except ServiceError as e:
        messages.error(request, e.as_text())
        return redirect("border_gate:driver", token=token)
    return redirect(payment.get_absolute_url())


# -- declarants ------------------------------------------------------------------------------------
