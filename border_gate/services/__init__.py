"""Writes of the border-gate pillar, one module per part of the process (docs/adr/1001-layout.md):

- `declarations`: declare, cancel, expire; `corrections`: correct one field of a declaration
- `pipeline`: officers take and release work, decide (pass, hold, reject), the customs lane
- `transitions`: the one path that moves an entry to its next step and writes its rows
- `yard`: yard events, calling trucks out of the yard, the boards' figures
- `fees`: the infrastructure fee and its online payment
- `enterprises`: enterprises, their staff and API keys; `reports`: the daily report

Keyword-only functions, one transaction each, audited (`border_gate.<entity>.<verb>`). Callers
import from `border_gate.services`; the officer's scope is `border_gate.scope`."""

from border_gate.scope import SCOPE_CACHE_SECONDS, OfficerScope, clear_reference_copies, officer_scope
from border_gate.services.common import (
    QUEUE_RECOMPUTE_WINDOW,
    BorderGateError,
    TransitionError,
)
from border_gate.services.corrections import (
    CORRECTABLE_FIELDS,
    entry_correct,
)
from border_gate.services.declarations import (
    EXPIRY_GRACE,
    MAX_CONTAINERS,
    MAX_GOODS_LINES,
    DeclarationData,
    GoodsData,
    crossing_prefix,
    entry_cancel,
    entry_declare,
    entry_expire,
    entry_snapshot,
    snapshot_diff,
)
from border_gate.services.enterprises import (
    API_KEY_SCOPES_BY_KIND,
    SERVICE_CUSTOMS_LANES,
    SERVICE_ENTRIES,
    SERVICE_TRAFFIC,
    SERVICE_YARD_EVENTS,
    api_key_check,
    api_key_create,
    api_key_hash,
    api_key_revoke,
    client_bind,
    enterprise_add_staff,
    enterprise_register,
    gate_board_of,
)
from border_gate.services.fees import (
    FEE_PURPOSE,
    FeeQuote,
    active_tariff,
    fee_amount_due,
    fee_on_paid,
    fee_quote,
    fee_request_payment,
    fee_vehicle_class,
    payment_return_url,
)
from border_gate.services.pipeline import (
    TAKE_TIMEOUT,
    customs_assign_lane,
    release_stale_takes,
    step_decide,
    step_hold,
    step_pass,
    step_reject,
    step_release,
    step_take,
    step_take_next,
)
from border_gate.services.reports import (
    daily_report_generate,
)
from border_gate.services.yard import (
    notify_called,
    queue_call_next,
    queue_recompute,
    yard_event_record,
)

__all__ = [
    "API_KEY_SCOPES_BY_KIND",
    "CORRECTABLE_FIELDS",
    "EXPIRY_GRACE",
    "FEE_PURPOSE",
    "MAX_CONTAINERS",
    "MAX_GOODS_LINES",
    "QUEUE_RECOMPUTE_WINDOW",
    "SCOPE_CACHE_SECONDS",
    "SERVICE_CUSTOMS_LANES",
    "SERVICE_ENTRIES",
    "SERVICE_TRAFFIC",
    "SERVICE_YARD_EVENTS",
    "TAKE_TIMEOUT",
    "BorderGateError",
    "DeclarationData",
    "FeeQuote",
    "GoodsData",
    "OfficerScope",
    "TransitionError",
    "active_tariff",
    "api_key_check",
    "api_key_create",
    "api_key_hash",
    "api_key_revoke",
    "clear_reference_copies",
    "client_bind",
    "crossing_prefix",
    "customs_assign_lane",
    "daily_report_generate",
    "enterprise_add_staff",
    "enterprise_register",
    "entry_cancel",
    "entry_correct",
    "entry_declare",
    "entry_expire",
    "entry_snapshot",
    "fee_amount_due",
    "fee_on_paid",
    "fee_quote",
    "fee_request_payment",
    "fee_vehicle_class",
    "gate_board_of",
    "notify_called",
    "officer_scope",
    "payment_return_url",
    "queue_call_next",
    "queue_recompute",
    "release_stale_takes",
    "snapshot_diff",
    "step_decide",
    "step_hold",
    "step_pass",
    "step_reject",
    "step_release",
    "step_take",
    "step_take_next",
    "yard_event_record",
]
