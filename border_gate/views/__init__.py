"""Pages of the digital border gate: thin views over services (writes) and selectors (reads), one
module per kind of user (the public, drivers, declarants, the forces' officers) and the reports."""

from border_gate.views.declarants import (  # noqa: F401
    declare,
    enterprise_add_staff,
    enterprises,
    entry_cancel,
    entry_correct,
    entry_detail,
    entry_pay,
    my_entries,
)
from border_gate.views.drivers import driver_find, driver_page, driver_pay  # noqa: F401
from border_gate.views.officers import (  # noqa: F401
    officer_board,
    officer_call_next,
    officer_decide,
    officer_entry,
    officer_home,
    officer_lane,
    officer_release,
    officer_step,
    officer_take,
    officer_take_next,
)
from border_gate.views.public import crossing_board, fee_calculator, index, live_json, public_board  # noqa: F401
from border_gate.views.reports import report_xlsx, reports  # noqa: F401
