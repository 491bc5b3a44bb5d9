"""Roles are Django groups with these names (created by `load_reference_data`)."""

from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
ENTERPRISE = "enterprise_representative"
COMMUNE_OFFICIAL = "commune_official"
DEPARTMENT_OFFICIAL = "department_official"
PROVINCE_LEADER = "province_leader"
BORDER_OFFICER = "border_officer"
PARTY_OFFICIAL = "party_official"
SYSTEM_ADMIN = "system_administrator"
# The finance office: sees and settles money to refund (core.payments), nothing else of the pillars.
FINANCE_OFFICER = "finance_officer"
# Documents and direction (government.documents, issue 16), held beside an official's main role: the
# clerk registers, numbers and issues an agency's documents; the leader assigns, directs and signs.
DOCUMENT_CLERK = "document_clerk"
AGENCY_LEADER = "agency_leader"

LABELS = {
    CITIZEN: _("Công dân"),
    ENTERPRISE: _("Đại diện doanh nghiệp"),
    COMMUNE_OFFICIAL: _("Cán bộ xã, phường"),
    DEPARTMENT_OFFICIAL: _("Cán bộ sở, ngành"),
    PROVINCE_LEADER: _("Lãnh đạo tỉnh"),
    BORDER_OFFICER: _("Cán bộ lực lượng cửa khẩu"),
    PARTY_OFFICIAL: _("Cán bộ cơ quan Đảng"),
    SYSTEM_ADMIN: _("Quản trị hệ thống"),
    FINANCE_OFFICER: _("Cán bộ tài chính, kế toán"),
    DOCUMENT_CLERK: _("Văn thư cơ quan"),
    AGENCY_LEADER: _("Lãnh đạo cơ quan"),
}
ALL = tuple(LABELS)
# Officials are created by administrators and must enrol TOTP before reaching any official page.
OFFICIAL_ROLES = frozenset(
    {
        COMMUNE_OFFICIAL,
        DEPARTMENT_OFFICIAL,
        PROVINCE_LEADER,
        BORDER_OFFICER,
        PARTY_OFFICIAL,
        SYSTEM_ADMIN,
        FINANCE_OFFICER,
        DOCUMENT_CLERK,
        AGENCY_LEADER,
    }
)
PUBLIC_ROLES = frozenset({CITIZEN, ENTERPRISE})
# Who opens the provincial operations centre (government.operations_centre): its views and the site
# menu both use this one definition, so a menu entry never leads to a 403.
OPERATIONS_CENTRE_ROLES = (PROVINCE_LEADER, DEPARTMENT_OFFICIAL, COMMUNE_OFFICIAL, PARTY_OFFICIAL, SYSTEM_ADMIN)
# Who keeps documents and meetings on the portal (government.documents) and who opens periodic
# reporting (government.reporting): the pillars' views and the site menu read these one definitions.
DOCUMENT_ROLES = (COMMUNE_OFFICIAL, DEPARTMENT_OFFICIAL, PROVINCE_LEADER, PARTY_OFFICIAL, DOCUMENT_CLERK, AGENCY_LEADER)
REPORTING_ROLES = (COMMUNE_OFFICIAL, DEPARTMENT_OFFICIAL, PROVINCE_LEADER, SYSTEM_ADMIN)
