"""Party personas on top of tests/conftest.py's: the provincial committee's official is the shared
`party_official` (agency tinh-uy); here the office of commune A's Party committee, the same for
commune B, the secretary of one of A's cells (assigned, not by agency), and cells with members."""

import datetime as dt

import pytest

from tests.conftest import COMMUNE_A, COMMUNE_B, make_user


def _org(code):
    from party.models import PartyOrganisation

    return PartyOrganisation.objects.get(code=code)


@pytest.fixture
def committee_a(db):
    return _org(f"dang-uy-xa-{COMMUNE_A}")


@pytest.fixture
def committee_b(db):
    return _org(f"dang-uy-xa-{COMMUNE_B}")


@pytest.fixture
def province_org(db):
    return _org("tinh-uy")


def _cell(committee, n):
    from party.models import PartyOrganisation
    from party.services.organisations import organisation_create

    return organisation_create(
        code=f"{committee.code}-cb-{n}",
        name=f"Chi bộ số {n} ({committee.name})",
        symbol="CB",
        level=PartyOrganisation.Level.CELL,
        parent=committee,
    )


@pytest.fixture
def cells(committee_a, committee_b):
    """Two cells in commune A, one in commune B, each with a member."""
    from party.services.organisations import member_save

    out = {"a1": _cell(committee_a, 1), "a2": _cell(committee_a, 2), "b1": _cell(committee_b, 1)}
    for key, cell in out.items():
        member_save(
            actor=None,
            system=True,
            organisation=cell,
            full_name=f"Đảng Viên {key.upper()}",
            birth_date=dt.date(1980, 1, 1),
            admitted_on=dt.date(2005, 5, 19),
            card_number=f"0000{key}",
        )
    return out


@pytest.fixture
def commune_party_official(db):
    from core.agencies.models import Agency

    return make_user(
        "dangxa.a@langson.gov.vn",
        roles=["party_official"],
        full_name="Nông Thị Đảng Ủy",
        agency=Agency.objects.get(code=f"dang-uy-xa-{COMMUNE_A}"),
        totp=True,
    )


@pytest.fixture
def commune_b_party_official(db):
    from core.agencies.models import Agency

    return make_user(
        "dangxa.b@langson.gov.vn",
        roles=["party_official"],
        full_name="Hoàng Văn Đảng Ủy",
        agency=Agency.objects.get(code=f"dang-uy-xa-{COMMUNE_B}"),
        totp=True,
    )


@pytest.fixture
def cell_secretary(cells):
    from party.services.organisations import officer_assign

    user = make_user("bithu.cb1@langson.gov.vn", roles=["party_official"], full_name="Lộc Văn Bí Thư", totp=True)
    officer_assign(organisation=cells["a1"], user=user, title="Bí thư chi bộ")
    return user
