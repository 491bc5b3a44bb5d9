"""Demo data of the land platform (core.demo registry): synthetic parcels, plan and price zones inside
the real 2025 commune boundaries (government/land/generator.py), a land-office official, and the demo
citizen as the land user of one parcel so the error-report journey can be tried."""

from django.db import transaction

from core.demo import register

LAND_OFFICIAL_EMAIL = "diachinh@demo.langson.vn"


@register("land", order=65)
def seed(*, scale: str, log=print) -> None:
    from government.land.generator import generate

    added = generate(scale=scale, log=log if scale == "province" else (lambda message: None))
    log(f"land: {added:,} parcels added")
    _accounts(log)


@transaction.atomic
def _accounts(log) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from core.agencies.models import Agency
    from core.users import roles
    from core.users.demo import DEMO_PASSWORD, PERSONAS
    from core.users.models import User
    from government.land.models import Parcel, ParcelOwner

    agency = Agency.objects.get(code="van-phong-dkdd")
    user, created = User.objects.get_or_create(
        email=LAND_OFFICIAL_EMAIL,
        defaults={"full_name": "Lộc Văn Địa", "agency": agency, "admin_unit": agency.admin_unit},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.set([Group.objects.get(name=roles.DEPARTMENT_OFFICIAL)])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if created:
        log(f"demo account {user.email} (land office, {roles.DEPARTMENT_OFFICIAL})")

    citizen = next(p for p in PERSONAS if p.role == roles.CITIZEN)
    parcel = (
        Parcel.objects.filter(commune__code=citizen.commune_code, land_use_id__in=["ODT", "ONT"]).order_by("id").first()
    )
    if parcel and not ParcelOwner.objects.filter(id_number=citizen.citizen_id).exists():
        parcel.owners.all().delete()
        ParcelOwner.objects.create(
            parcel=parcel, full_name=citizen.full_name, id_number=citizen.citizen_id, share="Sử dụng riêng"
        )
        log(f"land: {citizen.email} is the land user of parcel {parcel.code}")
