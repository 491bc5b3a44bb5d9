"""Who may see and do what in the party agencies pillar."""

from core.users import roles

VIEW_ROLES = (roles.PARTY_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
REPORT_ROLES = (roles.PARTY_OFFICIAL, roles.SYSTEM_ADMIN)
