"""Public pages of the border gate: its landing page, the crossings' boards, the live feed and the fee
calculator."""

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from border_gate import congestion, selectors, services
from border_gate.forms import (
    FeeCalculatorForm,
)
from border_gate.models import Crossing
from border_gate.views.common import SERVICES
from core.errors import ServiceError
from core.landing import pillar_landing


def index(request):
    return pillar_landing(
        request,
        pillar="border_gate",
        title=_("Cửa khẩu số"),
        services=SERVICES,
        with_indicators=False,
        board=selectors.public_board(),
    )


def public_board(request):
    template = "border_gate/_public_rows.html" if request.htmx else "border_gate/public_board.html"
    return render(request, template, {"rows": selectors.public_board()})


@cache_control(max_age=10, public=True)
def live_json(request):
    """The live border panel for the operations centre (public, no personal data): per crossing
    waiting vehicles, congestion band, cleared today, trucks expected but not yet at the gate."""
    rows = selectors.public_board()
    return JsonResponse(
        {
            "generated_at": timezone.now().isoformat(),
            "bands": congestion.ranges(),
            "crossings": rows,
            "waiting_total": sum(r["waiting"] for r in rows),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _board_fragment(crossing, board: dict, *, public: bool) -> HttpResponse:
    """The polled board fragment (HX-Request), rendered once per stored board copy, language and
    audience, then served from the cache: polling tablets cost a cache read, not a template."""
    key = selectors.cache_key(
        "fragment", crossing.pk, "public" if public else "officer", get_language(), board["computed_at"]
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("border_gate/_board.html", {"board": board, "public": public})
        cache.set(key, html, timeout=60)
    return HttpResponse(html)


def crossing_board(request, code):
    crossing = get_object_or_404(Crossing, code=code, is_active=True)
    board = selectors.board(crossing)
    if request.htmx:
        return _board_fragment(crossing, board, public=True)
    return render(request, "border_gate/crossing_board.html", {"crossing": crossing, "board": board, "public": True})


def fee_calculator(request):
    form = FeeCalculatorForm(request.GET or None)
    quote = None
    error = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        containers = [int(d["container"])] if d["container"] else []
        weight = d["weight_kg"]
        # Each selected goods type is one line of the (mixed) load; the weight is the vehicle's total.
        goods = [(t, weight // len(d["goods_types"])) for t in d["goods_types"]]
        goods[0] = (goods[0][0], weight - sum(w for _t, w in goods[1:]))
        try:
            quote = services.fee_quote(
                regime=d["regime"], journey=d["journey"], goods=goods, container_sizes=containers
            )
        except ServiceError as e:
            error = e.as_text()
    return render(
        request,
        "border_gate/fee_calculator.html",
        {"form": form, "quote": quote, "error": error, "tariff": services.active_tariff()},
    )
