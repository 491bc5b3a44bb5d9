"""The machine clients page: the owning agency's administrators issue clients, see their keys,
rotate (with an overlap) and revoke them, and search the call log. Thin: parse, call a service,
render. A new key is shown once, in the response to the action that created it, never stored."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.api_clients import registry, selectors, services
from core.api_clients.forms import CallSearchForm, ClientForm, RotateForm
from core.api_clients.models import ApiClient
from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from core.users import roles

OFFICIALS = tuple(roles.OFFICIAL_ROLES)
PAGE_SIZE = 50


def _describe(client: ApiClient) -> str:
    kind = registry.kind(client.kind)
    if kind is not None and kind.describe is not None:
        return kind.describe(client)
    if client.all_units:
        return _("Toàn tỉnh")
    return ", ".join(u.name for u in client.units.all()) or _("Chưa gắn xã, phường nào")


def _owner_agency(request):
    """The agency the new client will belong to: the user's own; a system administrator picks one."""
    from core.agencies.models import Agency

    if selectors.sees_every_client(request.user):
        pk = request.GET.get("agency") or request.POST.get("agency")
        if pk and str(pk).isdigit():
            return Agency.objects.filter(pk=pk, is_active=True).first()
        return None
    return request.user.agency if request.user.agency_id else None


@role_required(*OFFICIALS)
def client_list(request):
    clients = list(selectors.clients_for(request.user).order_by("-is_active", "organisation", "name"))
    for client in clients:
        client.binding_label = _describe(client)
        client.kind_label = getattr(registry.kind(client.kind), "label", client.kind)
    agency = None if selectors.sees_every_client(request.user) else request.user.agency
    manages = selectors.sees_every_client(request.user) or (
        agency is not None and services.may_manage(request.user, agency=agency)
    )
    context = {
        "clients": clients,
        "manages": manages,
        "kinds": selectors.issuable_kinds(agency) if agency is not None else registry.all_kinds(),
        "sees_everything": selectors.sees_every_client(request.user),
        "agencies": _agencies_for_picker(request),
    }
    return render(request, "api_clients/list.html", context)


def _agencies_for_picker(request):
    from core.agencies.models import Agency

    if not selectors.sees_every_client(request.user):
        return []
    return Agency.objects.filter(is_active=True).exclude(kind="other").order_by("kind", "name")


@never_cache
@role_required(*OFFICIALS)
@require_http_methods(["GET", "POST"])
def client_create(request):
    agency = _owner_agency(request)
    kind = registry.kind(request.GET.get("kind", ""))
    if agency is None or kind is None or not kind.issuable_by(agency):
        raise Http404
    if not services.may_manage(request.user, agency=agency):
        raise Http404
    extra_class = kind.form_class
    if request.method == "POST":
        form = ClientForm(request.POST, kind=kind)
        extra = extra_class(request.POST, prefix="binding", owner_agency=agency) if extra_class else None
        if form.is_valid() and (extra is None or extra.is_valid()):
            data = form.cleaned_data
            try:
                client, raw = services.client_create(
                    actor=request.user,
                    name=data["name"],
                    organisation=data["organisation"],
                    kind=kind.code,
                    services=data["services"],
                    owner_agency=agency,
                    units=data.get("units") or (),
                    all_units=data.get("all_units", False),
                    rate_limit_per_minute=data["rate_limit_per_minute"],
                    binding=extra.cleaned_data if extra is not None else None,
                    request_token=data["request_token"],
                )
            except ServiceError as e:
                apply_to_form(form, e)
                if extra is not None:
                    apply_to_form(extra, ServiceError(errors={k: v for k, v in e.errors.items() if k in extra.fields}))
            else:
                if raw is None:
                    messages.info(request, _("Hệ thống này đã được tạo từ lần gửi trước; khóa chỉ hiển thị một lần."))
                    return redirect("api_clients:detail", pk=client.pk)
                return render(request, "api_clients/new_key.html", {"client": client, "raw": raw, "created": True})
    else:
        form = ClientForm(kind=kind, initial={"request_token": uuid.uuid4()})
        extra = extra_class(prefix="binding", owner_agency=agency) if extra_class else None
    return render(request, "api_clients/create.html", {"form": form, "extra": extra, "kind": kind, "agency": agency})


@role_required(*OFFICIALS)
def client_detail(request, pk):
    client = selectors.client_for(request.user, pk)
    if client is None:
        raise Http404
    keys = list(client.keys.all())
    for key in keys:
        key.current_state = key.state()
    context = {
        "client": client,
        "keys": keys,
        "binding_label": _describe(client),
        "kind_label": getattr(registry.kind(client.kind), "label", client.kind),
        "service_labels": [getattr(registry.service(code), "name", code) for code in client.services],
        "rotate_form": RotateForm(),
        "summary": selectors.calls_summary(client),
        "recent_calls": selectors.calls_for(request.user, client=client)[:10],
    }
    return render(request, "api_clients/detail.html", context)


@never_cache
@role_required(*OFFICIALS)
@require_POST
def key_rotate(request, pk):
    key = selectors.key_for(request.user, pk)
    if key is None:
        raise Http404
    form = RotateForm(request.POST)
    if form.is_valid():
        try:
            new, raw = services.key_rotate(
                actor=request.user, key=key, overlap_hours=form.cleaned_data["overlap_hours"]
            )
        except ServiceError as e:
            apply_to_form(form, e)
        else:
            return render(
                request,
                "api_clients/new_key.html",
                {
                    "client": key.client,
                    "raw": raw,
                    "old_key": key,
                    "old_until": new.client.keys.get(pk=key.pk).expires_at,
                },
            )
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("api_clients:detail", pk=key.client_id)


@role_required(*OFFICIALS)
@require_POST
def key_revoke(request, pk):
    key = selectors.key_for(request.user, pk)
    if key is None:
        raise Http404
    services.key_revoke(actor=request.user, key=key)
    messages.success(request, _("Đã thu hồi khóa %(prefix)s….") % {"prefix": key.prefix})
    return redirect("api_clients:detail", pk=key.client_id)


@role_required(*OFFICIALS)
@require_POST
def client_revoke(request, pk):
    client = selectors.client_for(request.user, pk)
    if client is None:
        raise Http404
    services.client_revoke(actor=request.user, client=client)
    messages.success(request, _("Đã thu hồi hệ thống kết nối và mọi khóa của nó."))
    return redirect("api_clients:detail", pk=client.pk)


@role_required(*OFFICIALS)
def call_log(request):
    form = CallSearchForm(request.GET or None)
    page = None
    client = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        if data.get("client"):
            client = selectors.client_for(request.user, data["client"])
            if client is None:
                raise Http404
        qs = selectors.calls_for(
            request.user,
            client=client,
            service=data.get("service") or "",
            status=data.get("status") or "",
            key_prefix=(data.get("key_prefix") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "api_clients/calls.html",
        {"form": form, "page": page, "client": client, "query": query.urlencode()},
    )
