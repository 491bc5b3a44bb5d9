"""Writes of the digital economy pillar: keyword-only functions, one transaction each, audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.audit.services import audit_record
from economy.models import CommuneHouseholds, DigitalShop, SoftAtmAgent
from economy.permissions import can_edit_commune


class EconomyError(Exception):
    pass


def digital_shop_register(
    *, actor, commune, name: str, platform: str, registered_on: dt.date, products: str = ""
) -> DigitalShop:
    """Record a household's shop on an e-commerce platform. A commune official records shops of their
    own commune only (PermissionDenied otherwise). Registering the same name, commune and platform twice
    returns the existing active shop (a double submit adds nothing)."""
    if not can_edit_commune(actor, commune):
        raise PermissionDenied
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
        raise PermissionDenied
    with transaction.atomic():
        shop = DigitalShop.objects.select_for_update().get(pk=shop.pk)
        if shop.status != DigitalShop.Status.ACTIVE:
            raise EconomyError("shop already closed")
        if closed_on < shop.registered_on:
            raise EconomyError("closing date before registration")
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
        raise EconomyError("households must be positive")
    if not can_edit_commune(actor, commune):
        raise PermissionDenied
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


def soft_atm_agent_register(*, actor, commune, name: str, address: str, bank: str, opened_on: dt.date) -> SoftAtmAgent:
    if not can_edit_commune(actor, commune):
        raise PermissionDenied
    with transaction.atomic():
        agent = SoftAtmAgent.objects.create(commune=commune, name=name, address=address, bank=bank, opened_on=opened_on)
        audit_record(actor=actor, action="economy.soft_atm_agent.register", obj=agent, after={"bank": bank})
    return agent
