"""Imports as the land office runs them: a run with progress rows (management command or an upload
by a province land official, imported by the Celery task), its progress page that refreshes itself
without JavaScript, who may see it, and the clean-up after an import killed in the middle."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import NotAllowedError, ServiceError
from government.land import importer, selectors, services
from government.land.models import Parcel, ParcelImport
from tests.land.test_importer import LAT, LON, _feature, _lonlat_square

pytestmark = pytest.mark.django_db


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def _psycopg():
    conf = connection.settings_dict
    return psycopg.connect(
        host=conf["HOST"],
        port=conf["PORT"],
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        dbname=conf["NAME"],
        autocommit=True,
    )


def test_official_uploads_a_file_and_follows_its_progress(
    client, land_official, celery_eager, django_capture_on_commit_callbacks
):
    features = [_feature(n, _lonlat_square(LON + n * 0.0003, LAT), chu_ten="Hoàng Thị Bí Mật") for n in (1, 2)]
    features.append(_feature(3, _lonlat_square(LON + 0.002, LAT), loai_dat="XYZ"))
    client.force_login(land_official)
    page = client.get(reverse("land:imports")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    token = str(uuid.uuid4())
    upload = SimpleUploadedFile("thua-dong-kinh.geojson", _geojson(features), content_type="application/geo+json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("land:imports"), {"upload": upload, "srs": "", "client_token": token})
    upload = SimpleUploadedFile("thua-dong-kinh.geojson", _geojson(features), content_type="application/geo+json")
    with django_capture_on_commit_callbacks(execute=True):  # the same form sent twice: still one run
        again = client.post(reverse("land:imports"), {"upload": upload, "srs": "", "client_token": token})
    run = ParcelImport.objects.get()
    assert again["Location"] == reverse("land:import-detail", args=[run.pk])
    assert response.status_code == 302 and response["Location"] == reverse("land:import-detail", args=[run.pk])
    assert run.status == "done" and (run.inserted, run.skipped) == (2, 1) and run.percent == 100
    assert Parcel.objects.filter(code__in=["05977-7-1", "05977-7-2"]).count() == 2
    assert not run.upload  # the uploaded file (owners' data) is deleted once imported
    page = client.get(reverse("land:import-detail", args=[run.pk])).content.decode()
    assert 'id="import-progress" max="100" value="100"' in page and "thua-dong-kinh.geojson" in page
    assert "#3" in page and "loai_dat" in page  # the skipped feature, its position and reason
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    assert "Bí Mật" not in page  # the owner column of the file never reaches the page
    actions = list(AuditLog.objects.filter(object_type="land.parcelimport").values_list("action", flat=True))
    assert {"land.import.create", "land.import.start", "land.import.finish"} <= set(actions)
    # A second run of the same task changes nothing (idempotent).
    from government.land.tasks import import_parcels_file

    assert import_parcels_file(run.pk)["inserted"] == 2
    assert AuditLog.objects.filter(action="land.import.start", object_id=str(run.pk)).count() == 1


def test_running_import_page_reloads_itself_without_javascript(client, land_official):
    run = ParcelImport.objects.create(file_name="toan-tinh.geojsonl", status="queued")
    client.force_login(land_official)
    page = client.get(reverse("land:import-detail", args=[run.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert reverse("land:import-detail", args=[run.pk]) in page  # the reload link
    # Progress rows written by a worker show on the next load.
    ParcelImport.objects.filter(pk=run.pk).update(status="running", phase="save", percent=72.5, inserted=1_234_567)
    page = client.get(reverse("land:import-detail", args=[run.pk])).content.decode()
    # A "running" row whose process holds no lock is a stopped import, shown as such, not as running.
    assert 'data-status="stalled"' in page and "1.234.567" in page


def test_bad_upload_is_refused_per_field_and_kept_out_of_the_queue(client, land_official):
    client.force_login(land_official)
    bad = SimpleUploadedFile("thua.docx", b"PK\x03\x04 not a parcel file", content_type="application/octet-stream")
    token = str(uuid.uuid4())
    data = {"upload": bad, "srs": "vn2000", "client_token": token}
    page = client.post(reverse("land:imports"), data).content.decode()
    assert 'class="errorlist"' in page and ".geojson" in page
    assert 'value="vn2000" selected' in page  # what was chosen is kept
    page = client.post(reverse("land:imports"), {"srs": "9999", "client_token": token}).content.decode()
    assert page.count('class="errorlist"') >= 2
    assert not ParcelImport.objects.exists()


def test_only_province_land_officials_import(land_official, cadastral_officer, department_official, citizen, client):
    upload = SimpleUploadedFile("a.geojson", _geojson([]))
    for user in (cadastral_officer, department_official, citizen):
        with pytest.raises(NotAllowedError):
            services.parcel_import_create(actor=user, upload=upload)
    with pytest.raises(ServiceError) as exc:
        services.parcel_import_create(actor=land_official, upload=SimpleUploadedFile("a.txt", b"x"))
    assert "upload" in exc.value.errors
    run = ParcelImport.objects.create(file_name="a.geojson")
    client.force_login(cadastral_officer)  # a commune cadastral officer: not the province's files
    assert client.get(reverse("land:import-detail", args=[run.pk])).status_code == 403
    assert client.get(reverse("land:imports")).status_code == 403


def test_command_writes_progress_rows(tmp_path, monkeypatch):
    path = tmp_path / "thua.geojson"
    path.write_bytes(_geojson([_feature(n, _lonlat_square(LON + n * 0.0003, LAT)) for n in (1, 2, 3)]))
    seen = []
    real = services._listener

    def spy(record_id):
        listen = real(record_id)

        def wrapped(phase, share, result):
            listen(phase, share, result)
            seen.append(ParcelImport.objects.values_list("phase", "percent").get(pk=record_id))

        return wrapped

    monkeypatch.setattr(services, "_listener", spy)
    call_command("import_parcels", str(path), "--no-progress")
    run = ParcelImport.objects.get()
    assert run.status == "done" and run.inserted == 3 and run.phases.keys() >= {"load", "check", "upsert"}
    phases = [phase for phase, _ in seen]
    assert "load" in phases and "check" in phases and "save" in phases
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents) and percents[-1] == 100  # the bar only moves forward


def test_a_live_import_keeps_its_staging_tables():
    """Another session holds the lock of a running import: clean-up leaves its tables alone."""
    token = uuid.uuid4().hex[:12]
    with _psycopg() as other:
        other.execute(f"CREATE UNLOGGED TABLE land_import_{token} (pos integer)")
        other.execute("SELECT pg_advisory_lock(%s, %s)", [importer.STAGE_LOCK_CLASS, importer._lock_key(token)])
        try:
            assert importer.staging_alive(token)
            assert f"land_import_{token}" not in importer.drop_orphaned_staging()
            assert token in importer.staging_tables()
        finally:
            other.execute(f"DROP TABLE land_import_{token}")


@pytest.mark.django_db(transaction=True)
def test_killed_import_leaves_nothing_behind_after_cleanup(tmp_path, land_official, client):
    """A real import process killed with SIGKILL in the middle of saving: its UNLOGGED staging
    tables stay; the progress page shows the run stopped; `import_parcels --cleanup` drops the
    tables and marks the run failed; importing again completes without duplicates."""
    path = tmp_path / "thua.geojsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(1, 3001):
            lon = LON + (n % 60) * 0.00025
            lat = LAT + (n // 60) * 0.00025
            handle.write(json.dumps(_feature(n, _lonlat_square(lon, lat, 0.0002)), ensure_ascii=False) + "\n")
    env = dict(os.environ, PORTAL_DB_NAME=connection.settings_dict["NAME"])
    log = (tmp_path / "import.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_parcels", str(path), "--no-progress", "--batch-size", "5"],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 180
        run = None
        while time.monotonic() < deadline and process.poll() is None:
            run = ParcelImport.objects.filter(file_name="thua.geojsonl").first()
            # Saving (small chunks, one commit each): both staging tables exist and are committed.
            if run and run.phase == "save" and run.token in importer.staging_tables():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the import ended or never reached the save phase: " + (tmp_path / "import.log").read_text())
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    # PostgreSQL ends the session once it sees the closed socket (after the statement in flight);
    # the session's advisory lock goes with it.
    deadline = time.monotonic() + 30
    while importer.staging_alive(run.token) and time.monotonic() < deadline:
        time.sleep(0.1)
    run.refresh_from_db()
    assert run.status == "running" and f"land_import_{run.token}_rows" in importer.staging_tables()[run.token]
    assert not selectors.import_alive(run)
    client.force_login(land_official)
    page = client.get(reverse("land:import-detail", args=[run.pk])).content.decode()
    assert 'data-status="stalled"' in page

    call_command("import_parcels", "--cleanup")
    assert run.token not in importer.staging_tables()
    run.refresh_from_db()
    assert run.status == "failed" and run.error
    assert AuditLog.objects.filter(action="land.import.stopped", object_id=str(run.pk)).exists()

    saved = Parcel.objects.filter(code__startswith="05977-7-").count()
    assert 0 < saved < 3000
    call_command("import_parcels", str(path), "--no-progress")
    assert Parcel.objects.filter(code__startswith="05977-7-").count() == 3000
    again = ParcelImport.objects.latest("id")
    assert again.status == "done" and again.inserted == 3000 - saved
    assert not {run.token, again.token} & set(importer.staging_tables())
