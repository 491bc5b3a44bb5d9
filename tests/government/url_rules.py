"""Access rules of the government pillar's named URLs (see tests/url_matrix.py).

A dossier belongs to the citizen persona and is handled by the commune official's agency
(Phường Đông Kinh): the other applicant and the sysadmin get 404 on the citizen's own pages (the
applicant pages are for the applicant only), officials of other agencies get 404 on the dossier's
documents (their existence is not disclosed)."""

from tests.url_matrix import PUBLIC, SKIP, Rule, roles

APPLICANTS = ("citizen", "enterprise_representative")
OFFICIALS = ("commune_official", "department_official")
READERS = (*APPLICANTS, *OFFICIALS, "province_leader")
BIRTH = "1.001193"
NOT_MINE = {"enterprise_rep": 404, "sysadmin": 404}
NOT_OURS = {"enterprise_rep": 404, "department_official": 404}


def _pdf():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PDF")
    return SimpleUploadedFile("giay-chung-sinh.pdf", buffer.getvalue(), content_type="application/pdf")


def _draft(personas):
    from government import services
    from government.models import Procedure

    procedure = Procedure.objects.get(code=BIRTH)
    dossier = services.dossier_create(
        procedure=procedure,
        applicant=personas["citizen"],
        data={
            "ho_ten_tre": "Hoàng Minh An",
            "ngay_sinh": "2026-11-20",
            "gioi_tinh": "nam",
            "noi_sinh": "Lạng Sơn",
            "ho_ten_me": "Lương Thị Mai",
            "quan_he": "Cha",
        },
    )
    record = services.dossier_add_file(
        dossier=dossier,
        actor=personas["citizen"],
        document=procedure.documents.get(code="giay-chung-sinh"),
        uploaded=_pdf(),
    )
    return dossier, record


def _draft_kwargs(personas):
    dossier, _ = _draft(personas)
    return {"uid": dossier.uid}


def _submitted(personas):
    from government import services

    dossier, record = _draft(personas)
    services.dossier_submit(dossier=dossier, actor=personas["citizen"])
    return dossier, record


def _submitted_kwargs(personas):
    dossier, _ = _submitted(personas)
    return {"uid": dossier.uid}


def _file_kwargs(personas):
    dossier, record = _submitted(personas)
    return {"uid": dossier.uid, "file_id": record.pk}


RULES = [
    Rule("government:index", PUBLIC),
    Rule("government:procedure-list", PUBLIC),
    Rule("government:procedure-list", PUBLIC, query="q=khai+sinh&topic=ho-tich&agency=commune"),
    Rule("government:procedure-detail", PUBLIC, kwargs={"code": BIRTH}),
    Rule("government:lookup", PUBLIC),
    Rule("government:dossier-new", roles(*APPLICANTS), kwargs={"code": BIRTH}),
    Rule("government:my-dossiers", roles(*APPLICANTS)),
    Rule("government:dossier-edit", roles(*APPLICANTS), kwargs=_draft_kwargs, overrides=NOT_MINE),
    Rule("government:dossier-detail", roles(*APPLICANTS), kwargs=_submitted_kwargs, overrides=NOT_MINE),
    Rule("government:dossier-receipt", roles(*READERS), kwargs=_submitted_kwargs, overrides=NOT_OURS),
    Rule("government:dossier-file", roles(*READERS), kwargs=_file_kwargs, overrides=NOT_OURS),
    Rule("government:dossier-delete", SKIP("GET confirms, POST deletes a draft; tests/government/test_draft_ux.py")),
    Rule("government:dossier-file-remove", SKIP("POST only; tests/government/test_pages.py")),
    Rule("government:dossier-pay", SKIP("POST only; tests/government/test_pages.py")),
    Rule("government:dossier-supplement", SKIP("POST only; tests/government/test_pages.py")),
    Rule("government:dossier-rate", SKIP("POST only; tests/government/test_pages.py")),
    Rule("government:dossier-result", SKIP("needs a signed result; tests/government/test_pages.py")),
    Rule("government:dossier-apology", SKIP("needs an overdue dossier; tests/government/test_pages.py")),
    Rule("government:queue", roles(*OFFICIALS)),
    Rule("government:queue", roles(*OFFICIALS), query="due=overdue&status=all&q=H37&mine=on"),
    Rule(
        "government:official-dossier",
        roles(*OFFICIALS),
        kwargs=_submitted_kwargs,
        overrides={"department_official": 404},
    ),
    Rule("government:official-action", SKIP("POST only; tests/government/test_pages.py")),
    # API
    Rule("government-api:procedure-list", PUBLIC),
    Rule("government-api:procedure-detail", PUBLIC, kwargs={"code": BIRTH}),
    Rule("government-api:lookup", SKIP("needs a code and digits; tests/government/test_api.py")),
    Rule("government-api:dossier-list", roles(*APPLICANTS)),
    Rule("government-api:dossier-detail", roles(*APPLICANTS), kwargs=_submitted_kwargs, overrides=NOT_MINE),
    Rule("government-api:dossier-files", SKIP("POST only; tests/government/test_api.py")),
    Rule("government-api:dossier-submit", SKIP("POST only; tests/government/test_api.py")),
    Rule("government-api:dossier-pay", SKIP("POST only; tests/government/test_api.py")),
    Rule("government-api:dossier-supplement", SKIP("POST only; tests/government/test_api.py")),
]
