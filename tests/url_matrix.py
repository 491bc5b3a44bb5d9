"""The access matrix: every named URL of the portal must have a rule, in `tests/<app>/url_rules.py`
(`RULES = [Rule(...), ...]`). `tests/core/test_url_matrix.py` fails when a URL is added without one,
then requests every rule as every persona and checks the answer the role allows.

Access kinds:
- PUBLIC: every persona, anonymous included, gets a success (2xx/3xx that is not the login page).
- AUTH: anonymous is sent to the login page; any signed-in persona gets a success.
- roles("citizen", ...): anonymous → login page; a persona with one of the roles (or a superuser)
  → success; the others → 403 (or 404 where the app hides existence: set deny_status=404).
- SKIP("why"): listed on purpose but not requested here (POST-only endpoints, file downloads
  tested elsewhere); the reason is mandatory.
`kwargs` may be a dict or a callable taking the dict of personas (to build an object they own).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = [
    "anonymous",
    "citizen",
    "enterprise_rep",
    "commune_official",
    "department_official",
    "province_leader",
    "border_guard",
    "customs_officer",
    "party_official",
    "land_official",
    "cadastral_officer",
    "sysadmin",
    "outsider",
]
PERSONA_ROLES = {
    "anonymous": set(),
    "citizen": {"citizen"},
    "enterprise_rep": {"enterprise_representative"},
    "commune_official": {"commune_official"},
    "department_official": {"department_official"},
    "province_leader": {"province_leader"},
    "border_guard": {"border_officer"},
    "customs_officer": {"border_officer"},
    "party_official": {"party_official"},
    # Land officials (government/land/permissions.py): the Land Registration Office's department
    # official (whole province) and Phường Đông Kinh's official granted the land permission.
    "land_official": {"department_official"},
    "cadastral_officer": {"commune_official"},
    "sysadmin": {"system_administrator"},
    "outsider": set(),
}


# The land personas hold the same role as a twin but another agency (or an extra permission). Where a
# rule does not name them (tests/land/url_rules.py does), they may see at most what their twin sees:
# the twin's success may be their 403/404 (a document addressed to the twin's agency is not theirs),
# but the twin's refusal must be theirs too.
PERSONA_TWINS = {"land_official": "department_official", "cadastral_officer": "commune_official"}
AT_MOST = "at most"


@dataclass(frozen=True)
class Access:
    kind: str  # public | auth | roles | skip
    roles: frozenset[str] = frozenset()
    reason: str = ""
    deny_status: int = 403


PUBLIC = Access("public")
AUTH = Access("auth")


def roles(*names: str, deny_status: int = 403) -> Access:
    return Access("roles", frozenset(names), deny_status=deny_status)


def SKIP(reason: str) -> Access:
    assert reason, "a skipped URL needs a reason"
    return Access("skip", reason=reason)


@dataclass
class Rule:
    name: str
    access: Access
    kwargs: dict | Callable | None = None
    query: str = ""
    # Per-persona overrides, e.g. {"commune_official": 404} when an object belongs to another commune,
    # or "ok" where access follows something other than the role (an agency, a permission).
    overrides: dict[str, int | str] = field(default_factory=dict)


def expected(rule: Rule, persona: str) -> str | int | tuple:
    """'ok', 'login', an exact status code, or (AT_MOST, the twin's answer) for a land persona."""
    if persona in rule.overrides:
        return rule.overrides[persona]
    if persona in PERSONA_TWINS:
        return (AT_MOST, expected(rule, PERSONA_TWINS[persona]))
    access = rule.access
    if access.kind == "public":
        return "ok"
    if persona == "anonymous":
        return "login"
    if access.kind == "auth":
        return "ok"
    if persona == "sysadmin" or PERSONA_ROLES[persona] & access.roles:
        return "ok"
    return access.deny_status
