"""Who may reach which pages of the party agencies pillar (by role; what each one then sees is
decided by party.selectors.access)."""

from core.users import roles

# The register of documents and the resolution tasks.
VIEW_ROLES = (roles.PARTY_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
# The organisation tree, inboxes, drafting and issuing, members, steering committees.
PARTY_ROLES = (roles.PARTY_OFFICIAL,)
# The task pages: besides VIEW_ROLES, officials of an owner agency see (and report on) their tasks.
TASK_ROLES = (*VIEW_ROLES, roles.DEPARTMENT_OFFICIAL, roles.COMMUNE_OFFICIAL)
