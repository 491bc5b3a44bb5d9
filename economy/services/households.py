"""Households of a commune's register and what the province counts them by: their digital shops,
e-payment accounts and the use providers report for those accounts.

Each write exists once, for many rows: a commune enters one household from a form or its whole
register from a file, a provider reports a month of use for all its accounts. Every row is checked
by the same rules first; if any row is refused nothing is written and the errors come back by row
(one row: by field). Rows already recorded identically are skipped, so a file sent twice (or a
double submit) adds nothing. One transaction and one audit entry per call.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from core.permissions import user_has_role
from core.users import roles
from core.users.validators import validate_citizen_id
from economy.models import (
    BankSupervisor,
    DigitalShop,
    EpaymentAccount,
    EpaymentMonthlyUse,
    Household,
    Platform,
    ProductCategory,
    ShopProduct,
    Wallet,
)
from economy.permissions import can_edit_commune

BATCH = 2000
REFERENCE_RE = re.compile(r"[A-Za-z0-9_-]+")


class _Problems:
    """Refusals collected over every row: by field for a single row (a form), by line otherwise."""

    def __init__(self, rows: int):
        self.single = rows == 1
        self.fields: dict[str, list[str]] = {}
        self.lines: list[str] = []

    def add(self, number: int, errors: dict[str, list[str]]) -> None:
        if not errors:
            return
        if self.single:
            for key, messages in errors.items():
                self.fields.setdefault(key, []).extend(messages)
        else:
            joined = "; ".join(m for messages in errors.values() for m in messages)
            self.lines.append(_("Dòng %(n)s: %(errors)s") % {"n": number, "errors": joined})

    def raise_any(self) -> None:
        if self.fields:
            raise ServiceError(_("Thông tin chưa hợp lệ."), errors=self.fields)
        if self.lines:
            raise ServiceError(_("Có dòng chưa hợp lệ, chưa ghi dòng nào."), errors={"rows": self.lines})


def _check_scope(actor, commune) -> None:
    if not can_edit_commune(actor, commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))


# --- households ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdRow:
    code: str
    head_name: str
    village: str = ""
    registered_on: dt.date | None = None
    head_citizen_id: str = ""


def _clean_head(head_name: str, village: str, head_citizen_id: str) -> tuple[str, str, str, dict[str, list[str]]]:
    """The rules of the fields a commune may correct later (shared by entering and editing)."""
    head = " ".join((head_name or "").split())
    village = " ".join((village or "").split())
    cccd = "".join((head_citizen_id or "").split())
    errors: dict[str, list[str]] = {}
    if len(head) < 2 or len(head) > 150:
        errors["head_name"] = [_("Nhập họ và tên chủ hộ.")]
    if len(village) > 100:
        errors["village"] = [_("Tên thôn, bản dài quá 100 ký tự.")]
    if cccd:
        try:
            validate_citizen_id(cccd)
        except ValidationError as exc:
            errors["head_citizen_id"] = [str(m) for m in exc.messages]
    return head, village, cccd, errors


def _clean_household(row: HouseholdRow, today: dt.date) -> tuple[HouseholdRow, dict[str, list[str]]]:
    code = "".join((row.code or "").split()).upper()
    head, village, cccd, errors = _clean_head(row.head_name, row.village, row.head_citizen_id)
    on = row.registered_on or today
    if not code or len(code) > 20:
        errors["code"] = [_("Mã hộ gồm 1 đến 20 ký tự, không có khoảng trắng.")]
    if on > today:
        errors["registered_on"] = [_("Ngày ghi vào sổ không được sau hôm nay.")]
    return HouseholdRow(code, head, village, on, cccd), errors


def _link_wallets(households: Iterable[Household]) -> int:
    """Link the soft-ATM wallets of household heads (same citizen ID, same commune) that belong to
    no household yet. Returns how many were linked."""
    by_head = {(h.commune_id, h.head_citizen_id): h for h in households if h.head_citizen_id}
    linked = 0
    for (commune_id, cccd), household in by_head.items():
        linked += Wallet.objects.filter(household=None, commune_id=commune_id, citizen_id=cccd).update(
            household=household
        )
    return linked


def households_register(*, actor, commune, rows: Sequence[HouseholdRow]) -> list[Household]:
    """Enter households into `commune`'s register. A code already in the register with the same head
    is skipped (returned as it is); with another head it is refused (field `code`). Refusals write
    nothing: ServiceError by field for one row, by line under `rows` for several. NotAllowedError
    outside the actor's commune. Audited once (`economy.households.register`)."""
    _check_scope(actor, commune)
    today = timezone.localdate()
    problems = _Problems(len(rows))
    checked = [_clean_household(row, today) for row in rows]
    cleaned = [row for row, _errors in checked]
    existing = {
        h.code: h for h in Household.objects.filter(commune=commune, code__in=[r.code for r in cleaned if r.code])
    }
    heads: dict[str, str] = {code: h.head_name for code, h in existing.items()}
    for number, (row, errors) in enumerate(checked, start=1):
        if row.code and heads.setdefault(row.code, row.head_name) != row.head_name:
            message = _("Mã hộ %(code)s đã có trong sổ với chủ hộ khác.") % {"code": row.code}
            errors = {**errors, "code": [*errors.get("code", []), message]}
        problems.add(number, errors)
    problems.raise_any()
    new: dict[str, Household] = {}
    for row in cleaned:
        if row.code not in existing and row.code not in new:
            new[row.code] = Household(
                commune=commune,
                code=row.code,
                head_name=row.head_name,
                head_citizen_id=row.head_citizen_id,
                village=row.village,
                registered_on=row.registered_on,
            )
    with transaction.atomic():
        created = Household.objects.bulk_create(list(new.values()), batch_size=BATCH)
        _link_wallets(created)
        if created:
            audit_record(
                actor=actor,
                action="economy.households.register",
                object_type="geo.administrativeunit",
                object_id=commune.pk,
                after={"commune": commune.code, "count": len(created), "codes": [h.code for h in created[:200]]},
            )
    by_code = {**existing, **{h.code: h for h in created}}
    return [by_code[row.code] for row in cleaned]


def household_update(*, actor, household: Household, head_name: str, village: str, head_citizen_id: str) -> Household:
    """Correct a household of the register (its head, village, head's citizen ID; the code and the
    commune never change). NotAllowedError outside the actor's commune; field errors as when
    entering it. Unchanged values write nothing (a double submit is harmless). Audited
    (`economy.household.update`, before and after). A wallet of the new head is linked to it."""
    _check_scope(actor, household.commune)
    head, village, cccd, errors = _clean_head(head_name, village, head_citizen_id)
    if errors:
        raise ServiceError(_("Thông tin chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        row = Household.objects.select_for_update().get(pk=household.pk)
        before = {"head_name": row.head_name, "village": row.village, "head_citizen_id": row.head_citizen_id}
        after = {"head_name": head, "village": village, "head_citizen_id": cccd}
        if before == after:
            return row
        row.head_name, row.village, row.head_citizen_id = head, village, cccd
        row.save(update_fields=["head_name", "village", "head_citizen_id"])
        _link_wallets([row])
        audit_record(actor=actor, action="economy.household.update", obj=row, before=before, after=after)
    return row


# --- digital shops and their products ------------------------------------------------------------


@dataclass(frozen=True)
class ShopRow:
    household: Household
    name: str
    platform: str
    registered_on: dt.date
    link: str = ""
    products: tuple[tuple[str, str, bool], ...] = field(default=())  # (name, category, local specialty)
    owner: object = None  # the user who runs the shop and enters its sales


def _clean_shop(row: ShopRow, commune, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if row.household.commune_id != commune.pk:
        errors["household"] = [_("Hộ này không thuộc xã đã chọn.")]
    if not 2 <= len(row.name.strip()) <= 200:
        errors["name"] = [_("Nhập tên cửa hàng (2 đến 200 ký tự).")]
    if row.platform not in Platform.values:
        errors["platform"] = [_("Chọn một sàn trong danh sách.")]
    if row.registered_on > today:
        errors["registered_on"] = [_("Ngày lên sàn không được sau hôm nay.")]
    if row.link and not row.link.startswith(("https://", "http://")):
        errors["link"] = [_("Đường dẫn cửa hàng phải bắt đầu bằng https://.")]
    for name, category, _special in row.products:
        if not name.strip() or len(name) > 200 or category not in ProductCategory.values:
            errors["products"] = [_("Mỗi sản phẩm cần tên (tối đa 200 ký tự) và nhóm hợp lệ.")]
    return errors


def digital_shops_register(*, actor, commune, rows: Sequence[ShopRow]) -> list[DigitalShop]:
    """Record households' shops on e-commerce platforms, with their products. A shop already open
    under the same name on the same platform in the commune is returned as it is (a double submit
    adds nothing). Errors as for households_register. Audited once (`economy.digital_shops.register`)."""
    _check_scope(actor, commune)
    today = timezone.localdate()
    problems = _Problems(len(rows))
    for number, row in enumerate(rows, start=1):
        problems.add(number, _clean_shop(row, commune, today))
    problems.raise_any()
    with transaction.atomic():
        open_shops = {
            (s.platform, s.name.lower()): s
            for s in DigitalShop.objects.select_for_update().filter(
                commune=commune, status=DigitalShop.Status.ACTIVE, name__in=[r.name.strip() for r in rows]
            )
        }
        new, result = [], []
        for row in rows:
            key = (row.platform, row.name.strip().lower())
            shop = open_shops.get(key)
            if shop is None:
                shop = DigitalShop(
                    commune=commune,
                    household=row.household,
                    owner=row.owner,
                    name=row.name.strip(),
                    platform=row.platform,
                    link=row.link,
                    products=", ".join(p[0] for p in row.products)[:200],
                    registered_on=row.registered_on,
                )
                open_shops[key] = shop
                new.append((shop, row))
            result.append(shop)
        DigitalShop.objects.bulk_create([shop for shop, _row in new], batch_size=BATCH)
        ShopProduct.objects.bulk_create(
            [
                ShopProduct(shop=shop, name=name.strip(), category=category, is_local_specialty=special)
                for shop, row in new
                for name, category, special in dict.fromkeys(row.products)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        if new:
            audit_record(
                actor=actor,
                action="economy.digital_shops.register",
                object_type="geo.administrativeunit",
                object_id=commune.pk,
                after={"commune": commune.code, "count": len(new), "shops": [s.pk for s, _r in new[:200]]},
            )
    return result


# --- e-payment accounts and their use -------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    household: Household
    kind: str
    provider: str
    opened_on: dt.date
    reference: str = ""  # the provider's code of the account; one is made up when blank


def epayment_accounts_open(*, actor, commune, rows: Sequence[AccountRow]) -> list[EpaymentAccount]:
    """Record households' e-payment accounts (bank, e-wallet, Mobile Money) as their providers
    report them. Errors as for households_register. Audited once (`economy.epayment_accounts.open`)."""
    _check_scope(actor, commune)
    today = timezone.localdate()
    problems = _Problems(len(rows))
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        if row.household.commune_id != commune.pk:
            errors["household"] = [_("Hộ này không thuộc xã đã chọn.")]
        if row.kind not in EpaymentAccount.Kind.values:
            errors["kind"] = [_("Chọn loại tài khoản trong danh sách.")]
        if not 2 <= len(row.provider.strip()) <= 80:
            errors["provider"] = [_("Nhập tổ chức cung ứng (2 đến 80 ký tự).")]
        if row.opened_on > today:
            errors["opened_on"] = [_("Ngày mở không được sau hôm nay.")]
        reference = row.reference.strip()
        if len(reference) > 40 or (reference and not REFERENCE_RE.fullmatch(reference)):
            errors["reference"] = [_("Mã tài khoản gồm chữ, số, dấu - hoặc _, tối đa 40 ký tự.")]
        elif reference and (row.provider.strip(), reference) in seen:
            errors["reference"] = [_("Mã tài khoản %(ref)s trùng với một dòng trước.") % {"ref": reference}]
        seen.add((row.provider.strip(), reference))
        problems.add(number, errors)
    problems.raise_any()
    accounts = [
        EpaymentAccount(
            commune=commune,
            household=row.household,
            kind=row.kind,
            provider=row.provider.strip(),
            reference=row.reference.strip() or f"TK{secrets.token_hex(6).upper()}",
            opened_on=row.opened_on,
        )
        for row in rows
    ]
    taken = set(
        EpaymentAccount.objects.filter(
            provider__in={a.provider for a in accounts}, reference__in=[a.reference for a in accounts]
        ).values_list("provider", "reference")
    )
    if taken:
        lines = [
            _("Dòng %(n)s: mã tài khoản %(ref)s của %(provider)s đã có.")
            % {"n": n, "ref": a.reference, "provider": a.provider}
            for n, a in enumerate(accounts, start=1)
            if (a.provider, a.reference) in taken
        ]
        raise ServiceError(_("Có dòng chưa hợp lệ, chưa ghi dòng nào."), errors={"rows": lines})
    with transaction.atomic():
        EpaymentAccount.objects.bulk_create(accounts, batch_size=BATCH)
        if accounts:
            audit_record(
                actor=actor,
                action="economy.epayment_accounts.open",
                object_type="geo.administrativeunit",
                object_id=commune.pk,
                after={"commune": commune.code, "count": len(accounts)},
            )
    return accounts


def can_report_use(actor, provider: str) -> bool:
    """Who may send a provider's report of account use: the provider's own staff (its supervisor of
    the soft-ATM network: `BankSupervisor.bank` names the provider) and the province's departments
    and administrators, for any provider."""
    if user_has_role(actor, roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN):
        return True
    return bool(provider) and BankSupervisor.objects.filter(user_id=getattr(actor, "pk", None), bank=provider).exists()


def epayment_use_record(
    *, actor, rows: Iterable[tuple[EpaymentAccount, dt.date, int]], provider: str | None = None
) -> int:
    """Record (or correct) how many payments each account made in a month, as its provider reports:
    rows of (account, month, transactions). All or nothing; a month not yet over is accepted (the
    figure so far). With `provider`, the rows are that provider's report (every account must be
    its own, and the actor one who may report for it: `can_report_use`); without, the actor must
    be able to edit each account's commune. Audited once (`economy.epayment_use.record`). Returns
    the number of rows."""
    this_month = timezone.localdate().replace(day=1)
    rows = [(account, month.replace(day=1), n) for account, month, n in rows]
    if provider is not None and not can_report_use(actor, provider):
        raise NotAllowedError(_("Bạn không gửi được báo cáo của tổ chức cung ứng này."))
    problems = _Problems(len(rows))
    for number, (account, month, n) in enumerate(rows, start=1):
        if provider is not None:
            if account.provider != provider:
                raise NotAllowedError(_("Tài khoản không thuộc tổ chức cung ứng này."))
        elif not can_edit_commune(actor, account.commune):
            raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
        errors = {}
        if month > this_month:
            errors["month"] = [_("Tháng chưa tới.")]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            errors["transactions"] = [_("Số giao dịch phải là số nguyên không âm.")]
        problems.add(number, errors)
    problems.raise_any()
    return _use_write(rows, actor=actor, provider=provider)


def _use_write(rows: list[tuple[EpaymentAccount, dt.date, int]], *, actor, provider, actor_label: str = "") -> int:
    """Upsert checked rows in one transaction (a report sent again changes nothing), audited once."""
    with transaction.atomic():
        EpaymentMonthlyUse.objects.bulk_create(
            [EpaymentMonthlyUse(account=a, month=m, transactions=n) for a, m, n in rows],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["account", "month"],
            update_fields=["transactions", "recorded_at"],
        )
        if rows:
            audit_record(
                actor=actor,
                actor_label=actor_label,
                action="economy.epayment_use.record",
                object_type="economy.epaymentaccount",
                object_id=rows[0][0].pk,
                after={
                    "count": len(rows),
                    "months": sorted({m.isoformat() for _a, m, _n in rows}),
                    "provider": provider,
                },
            )
    return len(rows)


USE_COLUMNS = ("ma_tai_khoan", "thang", "so_giao_dich")
MAX_USE_ROWS = 200_000


def _use_rows(provider: str, numbered: Sequence[tuple[int, dict]], field: str) -> list:
    """The one check of a provider's report, whether it came as a file or through the API: each
    (line number, {ma_tai_khoan, thang, so_giao_dich}) must name one of `provider`'s own accounts
    (another provider's code is unknown here), a month already begun and a whole number of
    payments, and an account and month only once. Any error → ServiceError listing every bad line
    under `field`, nothing written. Returns (account, month, transactions) rows."""
    from economy.services import csv_rows

    from_file = field == "file"
    if len(numbered) > MAX_USE_ROWS:
        message = (_("Tệp dài quá %(n)s dòng.") if from_file else _("Báo cáo dài quá %(n)s dòng.")) % {
            "n": MAX_USE_ROWS
        }
        raise ServiceError(message, errors={field: [message]})
    codes = {(row.get("ma_tai_khoan") or "").strip() for _n, row in numbered}
    accounts = {a.reference: a for a in EpaymentAccount.objects.filter(provider=provider, reference__in=codes - {""})}
    this_month = timezone.localdate().replace(day=1)
    errors, rows, seen = [], [], set()
    for number, row in numbered:
        line = []
        account = accounts.get((row.get("ma_tai_khoan") or "").strip())
        if account is None:
            line.append(_("không có tài khoản nào của %(provider)s với mã này") % {"provider": provider})
        month = csv_rows.month_cell(row.get("thang"), this_month, line)
        count = csv_rows.whole_cell(row.get("so_giao_dich"), _("số giao dịch phải là số nguyên không âm"), line)
        if not line and (account.pk, month) in seen:
            line.append(_("trùng tài khoản và tháng với một dòng trước"))
        if line:
            errors.append(csv_rows.line_error(number, line))
        else:
            seen.add((account.pk, month))
            rows.append((account, month, count))
    if errors:
        message = _("Tệp có lỗi, chưa nhập dòng nào.") if from_file else _("Báo cáo có lỗi, chưa ghi dòng nào.")
        raise ServiceError(message, errors={field: errors})
    if not rows:
        message = _("Tệp không có dòng nào.") if from_file else _("Báo cáo không có dòng nào.")
        raise ServiceError(message, errors={field: [message]})
    return rows


def epayment_use_import_csv(*, actor, provider: str, text: str) -> int:
    """A provider's monthly report of account use (CSV: ma_tai_khoan, thang, so_giao_dich — the
    provider's account code, the month as 2026-11 or 11/2026, the number of payments). Every row is
    checked first (`_use_rows`: unknown code, bad month or number, a month not yet begun, the same
    account and month twice); any error → ServiceError listing them by line under `file`, nothing
    written. Otherwise `epayment_use_record` writes them all in one transaction (a report sent again
    changes nothing). NotAllowedError for anyone who may not report for `provider`."""
    from economy.services import csv_rows

    provider = (provider or "").strip()
    if not can_report_use(actor, provider):
        raise NotAllowedError(_("Bạn không gửi được báo cáo của tổ chức cung ứng này."))
    reader = csv_rows.read_rows(text, USE_COLUMNS)
    rows = _use_rows(provider, list(enumerate(reader, start=2)), "file")
    return epayment_use_record(actor=actor, rows=rows, provider=provider)


def _cell(value) -> str:
    """A JSON value as the text a CSV cell would hold: whole numbers and strings; anything else
    (a fraction, true/false, null, a list) as an empty cell, which the checks refuse."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def epayment_use_report(*, provider: str, rows: Sequence, actor_label: str) -> int:
    """A provider's system sends its monthly report of account use through the API (a machine
    client of kind `economy.epayment_provider`, bound to `provider`, core.api_clients): rows of
    {"account", "month", "transactions"} checked exactly as the CSV's lines (`_use_rows`, errors
    under `rows` numbered from 1), all or nothing, a resend changing nothing. A provider reports
    only its own accounts: another provider's codes are unknown accounts. Audited with
    `actor_label` (the key). Returns the number of rows."""
    numbered = [
        (
            n,
            {
                "ma_tai_khoan": _cell(row.get("account")),
                "thang": _cell(row.get("month")),
                "so_giao_dich": _cell(row.get("transactions")),
            }
            if isinstance(row, dict)
            else {},
        )
        for n, row in enumerate(rows, start=1)
    ]
    checked = _use_rows(provider, numbered, "rows")
    return _use_write(checked, actor=None, provider=provider, actor_label=actor_label)
