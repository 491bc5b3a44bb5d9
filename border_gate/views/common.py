"""What the border gate's pages share: who may declare, who reads the reports, and what the pillar
offers on its landing page."""

from django.utils.translation import gettext_lazy

from core.landing import Service
from core.users import roles

DECLARANT_ROLES = (roles.ENTERPRISE, roles.CITIZEN)
REPORT_ROLES = (roles.BORDER_OFFICER, roles.PROVINCE_LEADER, roles.DEPARTMENT_OFFICIAL)

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Khai báo trước khi xe đến"), "border_gate:declare", DECLARANT_ROLES),
    Service(gettext_lazy("Khai báo của tôi"), "border_gate:my-entries", DECLARANT_ROLES),
    Service(gettext_lazy("Doanh nghiệp và nhân viên"), "border_gate:enterprises", (roles.ENTERPRISE,)),
    Service(gettext_lazy("Tình hình các cửa khẩu (bảng công khai)"), "border_gate:public-board", None),
    Service(gettext_lazy("Tra cứu phí hạ tầng cửa khẩu"), "border_gate:fee-calculator", None),
    Service(gettext_lazy("Bàn làm việc của lực lượng cửa khẩu"), "border_gate:officer-home", (roles.BORDER_OFFICER,)),
    Service(gettext_lazy("Báo cáo ngày"), "border_gate:reports", REPORT_ROLES),
]
