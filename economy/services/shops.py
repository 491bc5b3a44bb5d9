"""Writes of the digital economy pillar: keyword-only functions, one transaction each, audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from economy.models import CommuneHouseholds, DigitalShop, SoftAtmAgent
from economy.permissions import can_edit_commune
from economy.services import csv_rows


class EconomyError(ServiceError):
    """A refused action of the digital economy pillar, with a message for the user (translated)."""


def digital_shop_register(
    *, actor, commune, name: str, platform: str, registered_on: dt.date, products: str = ""
) -> DigitalShop:
    """Record a household's shop on an e-commerce platform. A commune official records shops of their
    own commune only (NotAllowedError otherwise). Registering the same name, commune and platform twice
    returns the existing active shop (a double submit adds nothing)."""
    if not can_edit_commune(actor, commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
    with transaction.atomic():
        existing = (
            DigitalShop.objects.select_for_update()
            .filter(commune=commune, platform=platform, name__iexact=name.strip(), status=DigitalShop.Status.ACTIVE)
            .first()
        )
        if existing:
            return existing
        shop = DigitalShop.objects.create(
            commune=commune, name=name.strip(), platform=platform, registered_on=registered_on, products=products
        )
        audit_record(
            actor=actor,
            action="economy.digital_shop.register",
            obj=shop,
            after={"commune": commune.code, "platform": platform, "registered_on": registered_on},
        )
    return shop


def digital_shop_close(*, actor, shop: DigitalShop, closed_on: dt.date) -> DigitalShop:
    """active → closed. Raises EconomyError when already closed or the date is before registration."""
    if not can_edit_commune(actor, shop.commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
    with transaction.atomic():
        shop = DigitalShop.objects.select_for_update().get(pk=shop.pk)
        if shop.status != DigitalShop.Status.ACTIVE:
            raise EconomyError(_("Cửa hàng này đã đóng."))
        if closed_on < shop.registered_on:
            raise EconomyError(
                _("Ngày đóng cửa hàng trước ngày đăng ký."),
                errors={"closed_on": [_("Ngày đóng cửa hàng trước ngày đăng ký.")]},
            )
        shop.status, shop.closed_on = DigitalShop.Status.CLOSED, closed_on
        shop.save(update_fields=["status", "closed_on"])
        audit_record(
            actor=actor,
            action="economy.digital_shop.close",
            obj=shop,
            before={"status": DigitalShop.Status.ACTIVE},
            after={"status": shop.status, "closed_on": closed_on},
        )
    return shop


def households_set(*, actor, commune, year: int, households: int, source: str) -> CommuneHouseholds:
    """Record (or correct) a commune's number of households for a year."""
    if households <= 0:
        raise EconomyError(
            _("Số hộ gia đình phải lớn hơn 0."), errors={"households": [_("Số hộ gia đình phải lớn hơn 0.")]}
        )
    if not can_edit_commune(actor, commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
    with transaction.atomic():
        row = CommuneHouseholds.objects.select_for_update().filter(commune=commune, year=year).first()
        before = {"households": row.households} if row else None
        if row is None:
            row = CommuneHouseholds.objects.create(commune=commune, year=year, households=households, source=source)
        else:
            row.households, row.source = households, source
            row.save(update_fields=["households", "source"])
        audit_record(
            actor=actor, action="economy.households.set", obj=row, before=before, after={"households": households}
        )
    return row


def soft_atm_agent_register(
    *, actor, commune, name: str, address: str, bank: str, opened_on: dt.date, location=None
) -> SoftAtmAgent:
    """Record a soft-ATM agent point of a commune (with its place on the map when known). Audited."""
    if not can_edit_commune(actor, commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
    with transaction.atomic():
        agent = SoftAtmAgent.objects.create(
            commune=commune, name=name, address=address, bank=bank, opened_on=opened_on, location=location
        )
        audit_record(actor=actor, action="economy.soft_atm_agent.register", obj=agent, after={"bank": bank})
    return agent


# --- monthly sales: entered or imported from a platform's CSV export ------------------------------

SALES_COLUMNS = ("link", "thang", "so_don", "doanh_thu")
MAX_IMPORT_ROWS = 5000


def _check_sales(month: dt.date, orders, revenue, this_month: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if month > this_month:
        errors["month"] = [_("Tháng chưa tới.")]
    for field, value in (("orders", orders), ("revenue", revenue)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[field] = [_("Nhập số nguyên không âm.")]
    if not errors and revenue > 0 and orders == 0:
        errors["orders"] = [_("Có doanh thu thì phải có ít nhất một đơn hàng.")]
    return errors


def shop_sales_record(*, actor, shop: DigitalShop, month: dt.date, orders: int, revenue: int, source="manual"):
    """Record (or correct) a shop's sales of one month, by the shop's owner (the household member
    who runs it) or an official of its commune. Field errors: month in the future, negative or
    non-whole figures, revenue without orders. Sending the same figures again changes nothing (a
    double submit is harmless). Audited with the figures before and after."""
    from economy.models import ShopMonthlySales

    is_owner = shop.owner_id is not None and shop.owner_id == getattr(actor, "pk", None)
    if not is_owner and not can_edit_commune(actor, shop.commune):
        raise NotAllowedError(_("Bạn chỉ ghi được doanh số của cửa hàng trong xã mình."))
    month = month.replace(day=1)
    errors = _check_sales(month, orders, revenue, timezone.localdate().replace(day=1))
    if errors:
        raise ServiceError(_("Doanh số chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        row = ShopMonthlySales.objects.select_for_update().filter(shop=shop, month=month).first()
        before = {"orders": row.orders, "revenue": row.revenue, "source": row.source} if row else None
        if before == {"orders": orders, "revenue": revenue, "source": source}:
            return row
        if row is None:
            row = ShopMonthlySales.objects.create(shop=shop, month=month, orders=orders, revenue=revenue, source=source)
        else:
            row.orders, row.revenue, row.source = orders, revenue, source
            row.save(update_fields=["orders", "revenue", "source", "recorded_at"])
        audit_record(
            actor=actor,
            action="economy.shop_sales.record",
            obj=row,
            before=before,
            after={"shop": shop.pk, "month": month, "orders": orders, "revenue": revenue, "source": source},
        )
    return row


def shop_sales_record_many(*, actor, rows, source: str) -> int:
    """Record (or correct) many (shop, month, orders, revenue) rows at once: a platform's export or
    demo data. Checked like `shop_sales_record`, all or nothing (errors by line under `rows`), then
    written in one transaction with one audit entry. Returns the number of rows."""
    from economy.models import ShopMonthlySales

    this_month = timezone.localdate().replace(day=1)
    rows = [(shop, month.replace(day=1), orders, revenue) for shop, month, orders, revenue in rows]
    problems = []
    for number, (shop, month, orders, revenue) in enumerate(rows, start=1):
        if not can_edit_commune(actor, shop.commune):
            raise NotAllowedError(_("Bạn chỉ ghi được doanh số của cửa hàng trong xã mình."))
        errors = _check_sales(month, orders, revenue, this_month)
        if errors:
            joined = "; ".join(m for messages in errors.values() for m in messages)
            problems.append(_("Dòng %(n)s: %(errors)s") % {"n": number, "errors": joined})
    if problems:
        raise ServiceError(_("Có dòng chưa hợp lệ, chưa ghi dòng nào."), errors={"rows": problems})
    with transaction.atomic():
        ShopMonthlySales.objects.bulk_create(
            [ShopMonthlySales(shop=s, month=m, orders=o, revenue=r, source=source) for s, m, o, r in rows],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["shop", "month"],
            update_fields=["orders", "revenue", "source", "recorded_at"],
        )
        if rows:
            audit_record(
                actor=actor,
                action="economy.shop_sales.record_many",
                object_type="economy.digitalshop",
                object_id=rows[0][0].pk,
                after={
                    "count": len(rows),
                    "source": source,
                    "rows": [[s.pk, m.isoformat(), o, r] for s, m, o, r in rows[:500]],
                },
            )
    return len(rows)


def shop_sales_import_csv(*, actor, text: str) -> int:
    """Import monthly sales from a platform's CSV export (columns: link, thang, so_don, doanh_thu).
    Every row is checked first; any error → ServiceError listing the errors by line under `file`
    and nothing is written. Otherwise all rows are written in one transaction. Returns the count."""
    from core.errors import ServiceError

    reader = csv_rows.read_rows(text, SALES_COLUMNS)
    shops = {s.link: s for s in DigitalShop.objects.exclude(link="").select_related("commune")}
    errors, rows, seen = [], [], set()
    this_month = timezone.localdate().replace(day=1)
    for number, row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            errors.append(_("Tệp dài quá %(n)s dòng.") % {"n": MAX_IMPORT_ROWS})
            break
        line = []
        shop = shops.get((row.get("link") or "").strip())
        if shop is None:
            line.append(_("không có cửa hàng nào với đường dẫn này"))
        elif not can_edit_commune(actor, shop.commune):
            line.append(_("cửa hàng không thuộc xã của bạn"))
        month = csv_rows.month_cell(row.get("thang"), this_month, line)
        orders = csv_rows.whole_cell(row.get("so_don"), _("số đơn phải là số nguyên không âm"), line)
        revenue = csv_rows.whole_cell(row.get("doanh_thu"), _("doanh thu phải là số nguyên không âm (đồng)"), line)
        if not line and revenue > 0 and orders == 0:
            line.append(_("có doanh thu thì phải có ít nhất một đơn hàng"))
        if not line and (shop.pk, month) in seen:
            line.append(_("trùng cửa hàng và tháng với một dòng trước"))
        if line:
            errors.append(csv_rows.line_error(number, line))
        else:
            seen.add((shop.pk, month))
            rows.append((shop, month, orders, revenue))
    if errors:
        raise ServiceError(_("Tệp có lỗi, chưa nhập dòng nào."), errors={"file": errors})
    if not rows:
        message = _("Tệp không có dòng doanh số nào.")
        raise ServiceError(message, errors={"file": [message]})
    return shop_sales_record_many(actor=actor, rows=rows, source="csv")
