"""Who may see and do what in the digital economy pillar: the commune-or-province rule every pillar
with commune figures shares (core.permissions)."""

from core.permissions import COMMUNE_EDIT_ROLES as EDIT_ROLES
from core.permissions import COMMUNE_VIEW_ROLES as VIEW_ROLES
from core.permissions import can_edit_commune, commune_scope

__all__ = ["EDIT_ROLES", "VIEW_ROLES", "can_edit_commune", "commune_scope"]
