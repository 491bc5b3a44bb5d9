"""The registry of data services and client kinds. Pillars register theirs from their
`data_services.py` (autodiscovered by core.api_clients' AppConfig, like `indicators.py`); core and
the LGSP URL namespace read only from here, so core imports no pillar (ADR 1603).

- A *data service* is a named thing a machine client may be allowed to use ("core.admin_units",
  "government.dossier_status", "border_gate.entries"): a client's scopes are service codes. A
  service with `urlpatterns` is served under the one LGSP namespace `/api/lgsp/v1/`; the border
  gate's older endpoints keep their paths (`/api/v1/border-gate/...`) and only name their service.
- A *client kind* says what an organisation's system is (a provincial LGSP consumer, a yard
  operator, a customs system), which services it may be given, which agencies issue it, and how it
  is bound to what it may see (units, or a pillar's own rows such as yards: `form_class` + `bind`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DataService:
    code: str  # dotted, unique: "<pillar>.<service>"
    name: Any  # lazy-translated label
    description: Any = ""
    writes: bool = False
    # Endpoints mounted under /api/lgsp/v1/ (django.urls.path objects); empty when the service's
    # endpoints live under the pillar's own API prefix.
    urlpatterns: list = field(default_factory=list)
    # True when the service filters what it returns by the client's bound units.
    unit_bound: bool = False


@dataclass(frozen=True)
class ClientKind:
    code: str
    label: Any
    # The services this kind may be given; None: every service served under the LGSP namespace.
    services: frozenset[str] | None
    # issuable_by(agency) -> bool: the agencies whose administrators issue this kind of client.
    issuable_by: Callable[[Any], bool]
    # A Django form class for the kind's own binding (yards, an enterprise...), built as
    # form_class(data, owner_agency=agency); None when the kind binds only to units.
    form_class: type | None = None
    # bind(client, cleaned_data) inside the creating transaction; raises core.errors.ServiceError.
    bind: Callable[[Any, dict], None] | None = None
    # describe(client) -> str, the binding shown on the clients page.
    describe: Callable[[Any], str] | None = None
    # Whether the client is bound to administrative units (chosen on the issuing form).
    uses_units: bool = False
    description: Any = ""

    def allowed_services(self) -> frozenset[str]:
        if self.services is not None:
            return frozenset(self.services)
        return frozenset(s.code for s in all_services() if s.urlpatterns)


_services: dict[str, DataService] = {}
_kinds: dict[str, ClientKind] = {}


def register_service(service: DataService) -> DataService:
    if service.code in _services and _services[service.code] is not service:
        raise ValueError(f"data service {service.code} registered twice")
    _services[service.code] = service
    return service


def register_kind(kind: ClientKind) -> ClientKind:
    if kind.code in _kinds and _kinds[kind.code] is not kind:
        raise ValueError(f"client kind {kind.code} registered twice")
    _kinds[kind.code] = kind
    return kind


def service(code: str) -> DataService | None:
    return _services.get(code)


def all_services() -> list[DataService]:
    return sorted(_services.values(), key=lambda s: s.code)


def kind(code: str) -> ClientKind | None:
    return _kinds.get(code)


def all_kinds() -> list[ClientKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def service_choices(codes=None) -> list[tuple[str, Any]]:
    return [(s.code, s.name) for s in all_services() if codes is None or s.code in codes]
