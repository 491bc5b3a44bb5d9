import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.geo.maps import province_map
from core.indicators.registry import percent
from core.landing import Service, pillar_landing
from core.permissions import role_required, user_has_role
from core.users import roles
from economy import selectors, services
from economy.forms import (
    CashForm,
    CommuneFilterForm,
    ConfirmCodeForm,
    DeclareCashForm,
    EpaymentUseImportForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    PayForm,
    ProductSearchForm,
    ResolveForm,
    ReverseForm,
    SalesEntryForm,
    SalesImportForm,
    ShopFilterForm,
    ShopRegisterForm,
    TransactionSearchForm,
    TransferForm,
    WalletOpenForm,
)
from economy.models import CashOutRequest, Reconciliation
from economy.permissions import EDIT_ROLES, VIEW_ROLES
from economy.services import agents as agents_service
from economy.services import wallets

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Điểm ATM mềm (nộp, rút, chuyển tiền gần nhà)"), "economy:agents", None),
    Service(gettext_lazy("Ví điện tử của tôi"), "economy:wallet", None),
    Service(gettext_lazy("Cửa hàng số theo xã"), "economy:shops", VIEW_ROLES),
    Service(gettext_lazy("Số hộ, cửa hàng số, thanh toán điện tử theo xã"), "economy:communes", VIEW_ROLES),
    Service(gettext_lazy("Sổ hộ gia đình"), "economy:households", VIEW_ROLES),
    Service(gettext_lazy("Ghi hộ gia đình vào sổ hộ"), "economy:household-new", EDIT_ROLES),
    # Also linked from the supervision page for the providers' own staff (a membership, not a role).
    Service(
        gettext_lazy("Nhận báo cáo sử dụng tài khoản của tổ chức cung ứng"),
        "economy:epayment-use-import",
        (roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN),
    ),
    Service(gettext_lazy("Ghi nhận cửa hàng số"), "economy:shop-register", EDIT_ROLES),
    Service(gettext_lazy("Sản phẩm địa phương theo xã"), "economy:products", None),
    Service(gettext_lazy("Nhập doanh số tháng từ tệp của sàn"), "economy:sales-import", EDIT_ROLES),
    Service(gettext_lazy("Cửa hàng số của tôi (nhập doanh số tháng)"), "economy:my-shops", None),
]


def index(request):
    return pillar_landing(request, pillar="economy", title=gettext_lazy("Kinh tế số"), services=SERVICES)


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
            form.add_error("commune", _("Bạn chỉ ghi nhận được cửa hàng của xã mình."))
        else:
            messages.success(request, _("Đã ghi nhận cửa hàng số “%(name)s”.") % {"name": shop.name})
            return redirect("economy:shops")
    return render(request, "economy/shop_register.html", {"form": form})


@require_POST
@role_required(*EDIT_ROLES)
def shop_close(request, pk: int):
    shop = get_object_or_404(selectors.shops_for(request.user), pk=pk)
    try:
        services.digital_shop_close(actor=request.user, shop=shop, closed_on=timezone.localdate())
    except services.EconomyError:
        messages.info(request, _("Cửa hàng này đã đóng."))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Đã ghi nhận cửa hàng “%(name)s” ngừng hoạt động.") % {"name": shop.name})
    return redirect("economy:shops")


@role_required(*VIEW_ROLES)
def communes(request):
    # As of now: the figures count up to the end of today (the start of tomorrow).
    rows = selectors.commune_summary(request.user, timezone.localdate() + dt.timedelta(days=1))
    keys = ("households", "official", "selling", "paying", "shops", "accounts", "agents")
    totals = {key: sum(r[key] or 0 for r in rows) for key in keys}
    totals["shop_share"] = percent(totals["selling"], totals["households"], digits=1)
    totals["account_share"] = percent(totals["paying"], totals["households"], digits=1)
    return render(request, "economy/communes.html", {"rows": rows, "totals": totals})


def agents(request):
    """Public: where a citizen can deposit or withdraw cash near home."""
    from core.geo.models import AdministrativeUnit as Unit

    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    form = CommuneFilterForm(request.GET or None, communes=units)
    code = form.cleaned_data.get("commune") if form.is_valid() else None
    page = Paginator(selectors.agents_public_with_status(commune_code=code), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "economy/agents.html",
        {"form": form, "page": page, "query": query.urlencode(), "map": agent_map(page.object_list, commune=code)},
    )


def agent_map(agents, *, commune: int | None = None) -> dict:
    """The province's base map (core.geo.maps: outline, communes and their names) and each located
    agent as a point on it, drawn on the server (no JavaScript needed); the commune chosen in the
    filter (its code) is shaded."""
    base = province_map()
    points = []
    for agent in agents:
        if agent.location is None:
            continue
        at = base.project(agent.location.x, agent.location.y)
        if at is not None:
            points.append({"agent": agent, "x": at[0], "y": at[1]})
    return {
        "base": base,
        "points": points,
        "paying": sum(1 for p in points if p["agent"].can_pay_out),
        "selected": commune,
    }


# --- the soft ATM ---------------------------------------------------------------------------------


def _money_message(request, text, txn):
    messages.success(request, f"{text} — {_('mã giao dịch')} {txn.reference}")


@login_required
def wallet(request):
    """A customer's wallet on their phone: open one (KYC) if none, else balance, history, transfer."""
    own = selectors.wallet_of(request.user)
    if own is None:
        user = request.user
        form = WalletOpenForm(
            request.POST or None,
            initial={
                "full_name": user.get_full_name(),
                "citizen_id": user.citizen_id,
                "phone": user.phone,
                "commune": user.admin_unit_id,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                wallets.wallet_open(
                    actor=user,
                    citizen_id=data["citizen_id"],
                    phone=data["phone"],
                    full_name=data["full_name"],
                    commune=data["commune"],
                    user=user,
                    household_code=data["household_code"],
                )
            except ServiceError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã mở ví điện tử của bạn."))
                return redirect("economy:wallet")
        return render(request, "economy/wallet_open.html", {"form": form})
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            txn = wallets.wallet_transfer(
                actor=request.user,
                source=own,
                to_number=data["to_wallet"],
                amount=data["amount"],
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}",
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            _money_message(
                request,
                _("Đã chuyển %(amount)s đến ví %(to)s") % {"amount": wallets.vnd(txn.amount), "to": data["to_wallet"]},
                txn,
            )
            return redirect("economy:wallet")
    own.account.refresh_from_db()
    return render(
        request,
        "economy/wallet.html",
        {"wallet": own, "form": form, "history": selectors.account_history(own.account_id, limit=30)},
    )


def _counter_agent(request):
    agent = agents_service.staff_agent(request.user)
    if agent is None:
        raise PermissionDenied
    # A page shown writes nothing: an agent the bank has not funded yet gets its ledger accounts with
    # its first operation (its balances read 0 until then).
    return agents_service.agent_accounts(agent) if request.method == "POST" else agent


@login_required
def counter(request):
    """The agent's counter: open a wallet, cash-in, start a cash-out, declare the day's cash; the
    day's operations and the float and cash on hand."""
    agent = _counter_agent(request)
    action = request.POST.get("action") if request.method == "POST" else None
    forms_ = {
        "open": WalletOpenForm(
            request.POST if action == "open" else None, prefix="open", initial={"commune": agent.commune_id}
        ),
        "cash_in": CashForm(request.POST if action == "cash_in" else None, prefix="in"),
        "cash_out": CashForm(request.POST if action == "cash_out" else None, prefix="out"),
        "declare": DeclareCashForm(request.POST if action == "declare" else None, prefix="declare"),
    }
    form = forms_.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        key = lambda: f"agent:{agent.pk}:{data['idempotency_key']}"  # noqa: E731
        try:
            if action == "open":
                opened = wallets.wallet_open(
                    actor=request.user,
                    citizen_id=data["citizen_id"],
                    phone=data["phone"],
                    full_name=data["full_name"],
                    commune=data["commune"],
                    agent=agent,
                    household_code=data["household_code"],
                )
                messages.success(request, _("Đã mở ví số %(number)s cho khách.") % {"number": opened.number})
            elif action == "cash_in":
                txn = agents_service.cash_in(
                    actor=request.user,
                    agent=agent,
                    wallet_number=data["wallet"],
                    amount=data["amount"],
                    idempotency_key=key(),
                )
                _money_message(
                    request,
                    _("Đã nộp %(amount)s vào ví %(number)s")
                    % {"amount": wallets.vnd(txn.amount), "number": data["wallet"]},
                    txn,
                )
            elif action == "cash_out":
                cash_out = agents_service.cash_out_request(
                    actor=request.user,
                    agent=agent,
                    wallet_number=data["wallet"],
                    amount=data["amount"],
                    idempotency_key=key(),
                )
                return redirect("economy:counter-confirm", pk=cash_out.pk)
            else:
                agents_service.agent_declare_cash(
                    actor=request.user, agent=agent, day=timezone.localdate(), amount=data["declared_cash"]
                )
                messages.success(request, _("Đã ghi nhận số tiền mặt cuối ngày."))
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("economy:counter")
    for account in (agent.float_account, agent.cash_account):
        if account is not None:
            account.refresh_from_db()
    return render(
        request,
        "economy/counter.html",
        {
            "agent": agent,
            "forms": forms_,
            "day": selectors.agent_day(agent, timezone.localdate()),
            "pending": selectors.agent_pending_cash_outs(agent),
            "today": timezone.localdate(),
        },
    )


@login_required
def counter_confirm(request, pk: int):
    """The clerk types the code the customer reads from their SMS; the cash is paid out."""
    agent = _counter_agent(request)
    cash_out = get_object_or_404(CashOutRequest.objects.select_related("wallet"), pk=pk, agent=agent)
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            txn = agents_service.cash_out_confirm(
                actor=request.user, request_id=cash_out.pk, code=form.cleaned_data["code"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            _money_message(
                request,
                _("Đã chi %(amount)s tiền mặt cho ví %(number)s")
                % {"amount": wallets.vnd(txn.amount), "number": cash_out.wallet.number},
                txn,
            )
            return redirect("economy:counter")
    return render(request, "economy/counter_confirm.html", {"cash_out": cash_out, "form": form, "agent": agent})


@login_required
def supervision(request):
    """The bank's supervisor: its agents by commune with float and cash, and the days to resolve."""
    supervisor = selectors.supervisor_of(request.user)
    if supervisor is None:
        raise PermissionDenied
    return render(
        request,
        "economy/supervision.html",
        {
            "supervisor": supervisor,
            "groups": selectors.supervised_agents_by_commune(supervisor),
            "flagged": selectors.reconciliations_for(supervisor, status=Reconciliation.Status.FLAGGED).order_by("-day")[
                :200
            ],
        },
    )


@login_required
def reconciliation_resolve(request, pk: int):
    supervisor = selectors.supervisor_of(request.user)
    if supervisor is None:
        raise PermissionDenied
    row = get_object_or_404(selectors.reconciliations_for(supervisor), pk=pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agents_service.reconciliation_resolve(
                actor=request.user, reconciliation=row, resolution=form.cleaned_data["resolution"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận cách xử lý chênh lệch."))
            return redirect("economy:supervision")
    return render(request, "economy/reconciliation_resolve.html", {"row": row, "form": form})


@login_required
def wallet_pay(request, token: str):
    """Pay a public-service or border fee (a core payment link) from the signed-in person's wallet."""
    from core.payments.selectors import payment_by_token
    from economy.services.payments import wallet_pay_payment

    payment = payment_by_token(token)
    if payment is None:
        raise Http404
    own = selectors.wallet_of(request.user)
    form = PayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and own is not None and form.is_valid():
        try:
            paid = wallet_pay_payment(actor=request.user, wallet=own, payment=payment)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã thanh toán từ ví. Số biên lai: %(n)s") % {"n": paid.receipt_number})
            return redirect(paid.get_absolute_url())
    if own is not None:
        own.account.refresh_from_db()
    return render(request, "economy/wallet_pay.html", {"payment": payment, "wallet": own, "form": form})


def products(request):
    """Public: the directory of local products by commune (no login, no JavaScript)."""
    from core.geo.models import AdministrativeUnit as Unit

    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    form = ProductSearchForm(request.GET or None, communes=units)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.product_directory(
        q=data.get("q", ""), commune_code=data.get("commune"), specialties_only=data.get("specialties", False)
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "economy/products.html", {"form": form, "page": page, "query": query.urlencode()})


@role_required(*EDIT_ROLES)
def sales_import(request):
    """Import a platform's monthly sales export: all rows or none, errors by line."""
    form = SalesImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.shop_sales_import_csv(actor=request.user, text=form.cleaned_data["file"])
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã nhập %(n)s dòng doanh số.") % {"n": count})
            return redirect("economy:sales-import")
    return render(request, "economy/sales_import.html", {"form": form})


@login_required
def my_shops(request):
    """The shops the signed-in person runs: where they enter each month's sales."""
    return render(request, "economy/my_shops.html", {"shops": selectors.shops_owned_by(request.user)})


@login_required
def shop_sales(request, pk: int):
    """A month's sales of one of the person's shops, on a phone (no JavaScript). Sending the same
    figures twice changes nothing; another month's figures can be corrected by entering them again."""
    shop = get_object_or_404(selectors.shops_owned_by(request.user), pk=pk)
    form = SalesEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shop_sales_record(
                actor=request.user, shop=shop, month=data["month"], orders=data["orders"], revenue=data["revenue"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu doanh số tháng %(month)s: %(orders)s đơn, %(revenue)s.")
                % {
                    "month": data["month"].strftime("%m/%Y"),
                    "orders": data["orders"],
                    "revenue": wallets.vnd(data["revenue"]),
                },
            )
            return redirect("economy:shop-sales", pk=shop.pk)
    return render(
        request, "economy/shop_sales.html", {"shop": shop, "form": form, "history": selectors.shop_sales_history(shop)}
    )


def _supervisor(request):
    supervisor = selectors.supervisor_of(request.user)
    if supervisor is None:
        raise PermissionDenied
    return supervisor


@login_required
def supervision_transactions(request):
    """The supervisor finds an operation of the bank's agents (by reference) to reverse."""
    supervisor = _supervisor(request)
    form = TransactionSearchForm(request.GET or None)
    ref = form.cleaned_data.get("ref", "") if form.is_valid() else ""
    page = Paginator(selectors.reversible_for(supervisor, reference=ref), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "economy/supervision_transactions.html",
        {"supervisor": supervisor, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def transaction_reverse(request, pk: int):
    """Reverse one operation with a compensating transaction, giving the reason (audited)."""
    supervisor = _supervisor(request)
    txn = get_object_or_404(selectors.reversible_for(supervisor), pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = agents_service.transaction_reverse(
                actor=request.user,
                transaction_id=txn.pk,
                reason=form.cleaned_data["reason"],
                idempotency_key=f"web:{request.user.pk}:{form.cleaned_data['idempotency_key']}",
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            _money_message(request, _("Đã đảo giao dịch %(ref)s") % {"ref": txn.reference}, reversal)
            return redirect("economy:supervision-transactions")
    return render(
        request,
        "economy/transaction_reverse.html",
        {"txn": txn, "entries": txn.entries.select_related("account").order_by("id"), "form": form},
    )


@role_required(*VIEW_ROLES)
def households(request):
    """The households of the register as the official may see them (their commune, or all), with
    whether each one's shop sold and account was used in the last 30 days."""
    communes = selectors.communes_for(request.user)
    form = HouseholdFilterForm(request.GET or None, communes=communes)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.households_for(request.user, commune_code=filters.get("commune"), q=filters.get("q", ""))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # As of now: activity up to the end of today (the start of tomorrow).
    active = selectors.household_activity([h.pk for h in page.object_list], timezone.localdate() + dt.timedelta(days=1))
    for household in page.object_list:
        household.sold, household.paid = active.get(household.pk, (False, False))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "economy/households.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "can_edit": user_has_role(request.user, *EDIT_ROLES),
        },
    )


@role_required(*EDIT_ROLES)
def household_new(request):
    """A commune official enters a household of their own commune's register (one at a time; a
    whole register comes through the same service). A double submit adds nothing."""
    from economy.services.households import HouseholdRow, households_register

    communes = selectors.communes_for(request.user)
    form = HouseholdForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            (household,) = households_register(
                actor=request.user,
                commune=data["commune"],
                rows=[
                    HouseholdRow(
                        code=data["code"],
                        head_name=data["head_name"],
                        village=data["village"],
                        registered_on=data["registered_on"],
                        head_citizen_id=data["head_citizen_id"],
                    )
                ],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã ghi hộ %(code)s vào sổ hộ.") % {"code": household.code})
            return redirect(f"{reverse('economy:households')}?q={household.code}")
    return render(request, "economy/household_form.html", {"form": form, "household": None})


@role_required(*EDIT_ROLES)
def household_edit(request, pk: int):
    """Correct a household of the register; officials of another commune get a 404."""
    from economy.services.households import household_update

    household = get_object_or_404(selectors.households_for(request.user), pk=pk)
    initial = {"head_name": household.head_name, "head_citizen_id": household.head_citizen_id}
    initial["village"] = household.village
    form = HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household_update(
                actor=request.user,
                household=household,
                head_name=data["head_name"],
                village=data["village"],
                head_citizen_id=data["head_citizen_id"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu hộ %(code)s.") % {"code": household.code})
            return redirect(f"{reverse('economy:households')}?q={household.code}")
    return render(request, "economy/household_form.html", {"form": form, "household": household})


@login_required
def epayment_use_import(request):
    """A provider (its staff: the bank's supervisor) or the province's department sends the monthly
    report of account use as a CSV: all rows or none, errors by line."""
    from economy.services.households import epayment_use_import_csv

    providers = selectors.providers_reportable_by(request.user)
    if providers is None:
        raise PermissionDenied
    form = EpaymentUseImportForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        try:
            count = epayment_use_import_csv(
                actor=request.user, provider=form.cleaned_data["provider"], text=form.cleaned_data["file"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã nhận %(n)s dòng sử dụng tài khoản.") % {"n": count})
            return redirect("economy:epayment-use-import")
    return render(request, "economy/epayment_use_import.html", {"form": form})
