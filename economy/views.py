from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.indicators.registry import all_indicators
from core.permissions import role_required
from economy import selectors, services
from economy.forms import CommuneFilterForm, ShopFilterForm, ShopRegisterForm
from economy.permissions import EDIT_ROLES, VIEW_ROLES

# What the pillar offers, shown on its landing page: (label, url name or None, roles or None).
SERVICES: list[tuple] = [
    (_("Điểm ATM mềm (nộp, rút, chuyển tiền gần nhà)"), "economy:agents", None),
    (_("Cửa hàng số theo xã"), "economy:shops", VIEW_ROLES),
    (_("Số hộ, cửa hàng số, thanh toán điện tử theo xã"), "economy:communes", VIEW_ROLES),
    (_("Ghi nhận cửa hàng số"), "economy:shop-register", EDIT_ROLES),
]


def _visible(services_list, user):
    from core.permissions import user_has_role

    return [s for s in services_list if s[2] is None or user_has_role(user, *s[2])]


def index(request):
    return render(
        request,
        "economy/index.html",
        {
            "services": _visible(SERVICES, request.user),
            "pillar_title": _("Kinh tế số"),
            "indicators": all_indicators("economy"),
        },
    )


@role_required(*VIEW_ROLES)
def shops(request):
    communes = selectors.communes_for(request.user)
    form = ShopFilterForm(request.GET or None, communes=communes)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.shops_for(
        request.user,
        commune_code=filters.get("commune"),
        platform=filters.get("platform", ""),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "economy/shops.html",
        {"form": form, "page": page, "total": page.paginator.count, "query": query.urlencode()},
    )


@role_required(*EDIT_ROLES)
def shop_register(request):
    communes = selectors.communes_for(request.user)
    form = ShopRegisterForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shop = services.digital_shop_register(
                actor=request.user,
                commune=data["commune"],
                name=data["name"],
                platform=data["platform"],
                registered_on=data["registered_on"],
                products=data["products"],
            )
        except PermissionDenied:
            form.add_error("commune", _t("Bạn chỉ ghi nhận được cửa hàng của xã mình."))
        else:
            messages.success(request, _t("Đã ghi nhận cửa hàng số “%(name)s”.") % {"name": shop.name})
            return redirect("economy:shops")
    return render(request, "economy/shop_register.html", {"form": form})


@require_POST
@role_required(*EDIT_ROLES)
def shop_close(request, pk: int):
    shop = get_object_or_404(selectors.shops_for(request.user), pk=pk)
    try:
        services.digital_shop_close(actor=request.user, shop=shop, closed_on=timezone.localdate())
    except services.EconomyError:
        messages.info(request, _t("Cửa hàng này đã đóng."))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _t("Đã ghi nhận cửa hàng “%(name)s” ngừng hoạt động.") % {"name": shop.name})
    return redirect("economy:shops")


@role_required(*VIEW_ROLES)
def communes(request):
    rows = selectors.commune_summary(request.user, timezone.localdate())
    totals = {key: sum(r[key] or 0 for r in rows) for key in ("households", "shops", "accounts", "agents")}
    if totals["households"]:
        totals["shop_share"] = round(100 * totals["shops"] / totals["households"], 1)
        totals["account_share"] = round(100 * totals["accounts"] / totals["households"], 1)
    return render(request, "economy/communes.html", {"rows": rows, "totals": totals})


def agents(request):
    """Public: where a citizen can deposit or withdraw cash near home."""
    from core.geo.models import AdministrativeUnit as Unit

    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    form = CommuneFilterForm(request.GET or None, communes=units)
    code = form.cleaned_data.get("commune") if form.is_valid() else None
    page = Paginator(selectors.agents_public(commune_code=code), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "economy/agents.html", {"form": form, "page": page, "query": query.urlencode()})
