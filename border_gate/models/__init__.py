"""The digital border gate: crossings and yards, enterprises, drivers, vehicles, containers, the
declaration (an Entry) and its pipeline of steps owned by the ten forces, fees, API keys and the
daily report.

State changes happen only in `border_gate/services/` (named transitions, audited); these models
hold data and database constraints, never behaviour with side effects. One module per part of the
process; everything is importable from `border_gate.models` (the app label stays `border_gate`).
"""

from border_gate.models.clients import (  # noqa: F401
    ClientBinding,
)
from border_gate.models.entries import (  # noqa: F401
    DRIVER_LANGUAGES,
    STEP_DATA_LABELS,
    Entry,
    EntryStep,
    EntryVersion,
    GoodsLine,
    YardEvent,
)
from border_gate.models.fees import (  # noqa: F401
    FeeMultiplier,
    FeeRate,
    FeeTariff,
    FeeVehicleClass,
)
from border_gate.models.parties import (  # noqa: F401
    Container,
    Driver,
    Enterprise,
    EnterpriseMember,
    Vehicle,
)
from border_gate.models.reference import (  # noqa: F401
    FARM_GOODS,
    Confidence,
    Crossing,
    Direction,
    GoodsType,
    Journey,
    Regime,
    StepDefinition,
    Yard,
)
from border_gate.models.reports import (  # noqa: F401
    DailyReport,
)
