"""People of two agencies for documents and direction: at the Department of Science and Technology
(so-khcn) a clerk, a leader and the matrix's department official; at a commune People's Committee a
clerk and a leader (the receiving end of documents sent on the portal)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import COMMUNE_A, _agency, make_user


@pytest.fixture
def dept():
    return _agency("so-khcn")


@pytest.fixture
def commune():
    return _agency(f"ubnd-xa-{COMMUNE_A}")


@pytest.fixture
def clerk(db, dept):
    return make_user(
        "vanthu.khcn@langson.gov.vn",
        roles=["department_official", "document_clerk"],
        full_name="Nông Thị Văn Thư",
        agency=dept,
        totp=True,
    )


@pytest.fixture
def leader(db, dept):
    return make_user(
        "giamdoc.khcn@langson.gov.vn",
        roles=["department_official", "agency_leader"],
        full_name="Hoàng Văn Giám Đốc",
        agency=dept,
        totp=True,
    )


@pytest.fixture
def commune_clerk(db, commune):
    return make_user(
        "vanthu.xa@langson.gov.vn",
        roles=["commune_official", "document_clerk"],
        full_name="Lộc Thị Xã",
        agency=commune,
        totp=True,
    )


@pytest.fixture
def commune_leader(db, commune):
    return make_user(
        "chutich.xa@langson.gov.vn",
        roles=["commune_official", "agency_leader"],
        full_name="Chu Văn Chủ Tịch",
        agency=commune,
        totp=True,
    )


def pdf_bytes(text: str = "Dự thảo văn bản") -> bytes:
    from core.pdf import render_pdf

    return render_pdf("government/pdf/demo_attachment.html", {"name": text})


def pdf_upload(name: str = "van-ban.pdf", text: str = "Văn bản") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def registered(clerk, **overrides):
    from government.documents import services

    values = {
        "doc_type": "CV",
        "number_symbol": "125/UBND-KT",
        "issued_on": dt.date(2026, 11, 20),
        "issuing_body": "Ủy ban nhân dân tỉnh Lạng Sơn",
        "abstract": "Về việc triển khai nền tảng số tại các xã biên giới",
        "main_file": pdf_upload(),
    }
    values.update(overrides)
    return services.document_register(actor=clerk, **values)


def signed_outgoing(drafter, leader, *, recipients=(), abstract="Quyết định phê duyệt kế hoạch chuyển đổi số"):
    """A draft taken through review and the leader's signature (ready for the clerk to issue)."""
    from government.documents import services

    d = services.outgoing_create(
        actor=drafter, doc_type="QĐ", abstract=abstract, recipients=list(recipients), main_file=pdf_upload()
    )
    services.outgoing_submit(document=d, actor=drafter, reviewer_id=leader.pk, signer_id=leader.pk)
    services.outgoing_approve(document=d, actor=leader)
    return services.outgoing_sign(document=d, actor=leader)
