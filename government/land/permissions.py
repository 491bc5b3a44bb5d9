"""Who may do what on the land platform — one definition, used by views, APIs and selectors.

- Everyone, anonymous included: the public parcel data (no owners).
- Land officials: officials of the land agencies (Sở Nông nghiệp và Môi trường, Văn phòng Đăng ký đất
  đai) with the department-official role see the whole province; a commune official holding the
  `land.change_parcel` permission (the commune's cadastral officer, granted by an administrator)
  sees their own commune. They read owners (each search audited), edit parcels and answer reports.
- Province leaders read the statistics (indicators), not owners.
"""

from core.permissions import user_has_role
from core.users import roles

LAND_AGENCY_CODES = frozenset({"so-nnmt", "van-phong-dkdd"})


def land_scope(user):
    """None when `user` is no land official; "province" for the whole province; else the commune
    (AdministrativeUnit) a commune cadastral officer works in."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "province"
    if user_has_role(user, roles.DEPARTMENT_OFFICIAL) and user.agency_id and user.agency.code in LAND_AGENCY_CODES:
        return "province"
    if user_has_role(user, roles.COMMUNE_OFFICIAL) and user.admin_unit_id and user.has_perm("land.change_parcel"):
        return user.admin_unit
    return None


def is_land_official(user) -> bool:
    return land_scope(user) is not None


def may_handle_parcel(user, parcel) -> bool:
    scope = land_scope(user)
    return scope == "province" or (scope is not None and scope.pk == parcel.commune_id)
