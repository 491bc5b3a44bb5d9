"""Dossier codes under concurrent submissions, and uploads checked by their content."""

import io
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction

from government import services
from government.models import Dossier, DossierFile
from tests.conftest import make_user
from tests.government.conftest import BIRTH, BIRTH_DATA, CONSTRUCTION, draft, pdf_bytes, png_bytes, procedure, upload

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = pytest.mark.usefixtures("calm_clock")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_gap_free_codes():
    call_command("load_reference_data", verbosity=0)  # transactional tests start from flushed tables
    from tests.conftest import COMMUNE_A, _unit

    citizen = make_user(
        "race@example.vn",
        roles=["citizen"],
        full_name="Người Nộp",
        citizen_id="020090004321",
        admin_unit=_unit(COMMUNE_A),
    )
    drafts = [draft(citizen, BIRTH, BIRTH_DATA) for _ in range(16)]
    barrier = threading.Barrier(8)
    errors = []

    def worker(chunk):
        try:
            barrier.wait()
            for d in chunk:
                services.dossier_submit(dossier=d, actor=citizen)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(drafts[i::8],)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    codes = sorted(Dossier.objects.filter(applicant=citizen).values_list("code", flat=True))
    day = codes[0].split("-")[1]
    assert codes == [f"05977.H37-{day}-{n:04d}" for n in range(1, 17)]


@pytest.mark.django_db
def test_a_rolled_back_submission_leaves_no_gap(citizen):
    first = draft(citizen, BIRTH, BIRTH_DATA)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_submit(dossier=first, actor=citizen)
        raise RuntimeError("the request died after the code was drawn")
    first.refresh_from_db()
    assert first.code is None
    again = services.dossier_submit(dossier=first, actor=citizen)
    assert again.code.endswith("-0001")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("don.pdf", _docx(), "wrong_type", "định dạng thực tế: DOCX"),
        ("vanban.pdf", b"Xin chao, toi la van ban thuong" * 20, "wrong_type", "không xác định"),
        ("hong.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "malformed", "bị hỏng"),
        ("cut.png", png_bytes()[:40], "malformed", "bị hỏng"),
        ("empty.pdf", b"", "empty", "Tệp rỗng"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "too_large", "vượt quá dung lượng tối đa 5 MB"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_the_draft_is_kept(citizen, name, content, code, message):
    dossier = draft(citizen, BIRTH, BIRTH_DATA, files=False)
    doc = procedure(BIRTH).documents.get(code="giay-chung-sinh")
    services.dossier_add_file(dossier=dossier, actor=citizen, document=doc, uploaded=upload("ok.pdf"))
    with pytest.raises(ValidationError) as info:
        services.dossier_add_file(
            dossier=dossier, actor=citizen, document=doc, uploaded=SimpleUploadedFile(name, content)
        )
    assert info.value.code == code
    assert message in info.value.messages[0]
    dossier.refresh_from_db()
    assert dossier.data == BIRTH_DATA
    assert list(dossier.files.values_list("original_name", flat=True)) == ["ok.pdf"]


@pytest.mark.django_db
def test_accepted_types_follow_the_document(citizen):
    # The construction drawings accept PDF only; the land papers accept images too.
    dossier = draft(citizen, CONSTRUCTION, {}, files=False)
    drawings = procedure(CONSTRUCTION).documents.get(code="ban-ve")
    land = procedure(CONSTRUCTION).documents.get(code="giay-to-dat")
    with pytest.raises(ValidationError):
        services.dossier_add_file(
            dossier=dossier, actor=citizen, document=drawings, uploaded=SimpleUploadedFile("a.png", png_bytes())
        )
    record = services.dossier_add_file(
        dossier=dossier, actor=citizen, document=land, uploaded=SimpleUploadedFile("so-do.png", png_bytes())
    )
    assert record.mime_type == "image/png" and record.file.name.endswith(".png")
    assert record.original_name == "so-do.png"


@pytest.mark.django_db
def test_docx_accepted_where_listed_and_stored_under_our_own_name(citizen):
    dossier = draft(citizen, "1.001612", {}, files=False)
    doc = procedure("1.001612").documents.get(code="giay-de-nghi")
    record = services.dossier_add_file(
        dossier=dossier, actor=citizen, document=doc, uploaded=SimpleUploadedFile("../../etc/passwd.docx", _docx())
    )
    assert record.file.name.startswith(f"government/dossiers/{dossier.uid}/")
    assert ".." not in record.file.name and record.file.name.endswith(".docx")


@pytest.mark.django_db
def test_files_cannot_be_added_after_submission_except_for_a_supplement(citizen, commune_official):
    from tests.government.conftest import submitted

    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.InvalidTransition):
        services.dossier_add_file(dossier=dossier, actor=citizen, document=None, uploaded=upload())
    services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bản rõ hơn")
    record = services.dossier_add_file(
        dossier=dossier, actor=citizen, document=None, uploaded=SimpleUploadedFile("b.pdf", pdf_bytes(2))
    )
    assert record.supplement is not None
    assert DossierFile.objects.filter(dossier=dossier).count() == 2


@pytest.mark.django_db
def test_code_numbers_past_9999_keep_every_digit(citizen):
    from django.utils import timezone

    from government.models import DossierCounter

    first = draft(citizen, BIRTH, BIRTH_DATA)
    DossierCounter.objects.create(agency=first.agency, day=timezone.localdate(), last=9998)
    assert services.dossier_submit(dossier=first, actor=citizen).code.endswith("-9999")
    second = services.dossier_submit(dossier=draft(citizen, BIRTH, BIRTH_DATA), actor=citizen)
    assert second.code.endswith(f"-{timezone.localdate():%y%m%d}-10000")


@pytest.mark.django_db
def test_working_on_a_dossier_locks_that_dossier_only(citizen):
    """A dossier's transaction must not lock its agency's or procedure's row: that would queue
    every submission and every official's step of the whole agency (or, for the procedure, the
    whole province) behind each other for their full length, file writes included."""
    import psycopg

    from core.agencies.models import Agency
    from government.models import Procedure

    dossier = services.dossier_submit(dossier=draft(citizen, BIRTH, BIRTH_DATA), actor=citizen)
    with transaction.atomic():
        services._lock(dossier)  # what every step of the state machine starts with
        # Another session (its own connection) may still lock the agency and the procedure.
        with psycopg.connect(**connection.get_connection_params()) as other:
            other.execute("SET lock_timeout = '500ms'")
            for table, pk in (
                (Agency._meta.db_table, dossier.agency_id),
                (Procedure._meta.db_table, dossier.procedure_id),
            ):
                other.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
            other.rollback()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_an_upload_spooled_to_disk_is_checked_in_place_and_stored_whole(citizen, kind):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files: the checks read them in
    place (no copy), leave them rewound, and the stored file is the whole upload."""
    import hashlib

    from django.core.files.uploadedfile import TemporaryUploadedFile

    content = pdf_bytes(3) if kind == "pdf" else png_bytes()
    spooled = TemporaryUploadedFile(f"scan.{kind}", f"application/{kind}", len(content), None)
    spooled.write(content)
    spooled.seek(0)
    doc = procedure(CONSTRUCTION).documents.get(code="giay-to-dat")  # PDF, JPG or PNG
    dossier = draft(citizen, CONSTRUCTION, {}, files=False)
    record = services.dossier_add_file(dossier=dossier, actor=citizen, document=doc, uploaded=spooled)
    assert record.sha256 == hashlib.sha256(content).hexdigest() and record.size == len(content)
    with record.file.open("rb") as stored:
        assert stored.read() == content
