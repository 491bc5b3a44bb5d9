"""Writes of the land platform: named parcel edits that keep history, and the error-report state
machine (submitted → in_review → accepted | rejected). One transaction each, row locks, an audit
entry per change. Refusals raise core.errors.ServiceError (or a subclass) with field errors.

Audit entries carry public attributes only: never an owner's name or ID number.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from core.uploads import check_upload
from government.land import tiles
from government.land.geo import VN2000_SRID, in_province_vn2000
from government.land.models import ErrorReport, LandUseCode, Parcel, ParcelImport, ParcelOwner, ParcelVersion
from government.land.permissions import is_land_official, land_scope, may_handle_parcel

EVIDENCE_TYPES = ["pdf", "jpg", "png"]
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EDITABLE = ("land_use", "area_m2", "address", "use_form", "use_term", "origin")


def _snapshot(parcel: Parcel) -> dict:
    return {
        "land_use": parcel.land_use_id,
        "area_m2": str(parcel.area_m2),
        "address": parcel.address,
        "use_form": parcel.use_form,
        "use_term": parcel.use_term,
        "origin": parcel.origin,
        "sheet": parcel.sheet,
        "number": parcel.number,
    }


def _vn2000_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """The geometry in VN-2000 TM-3, as a valid MultiPolygon inside the province; ServiceError else.
    The transformation runs in PostGIS, which knows the custom SRID (GDAL in Python does not)."""
    from django.db import connection

    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=geometry.srid)
    if geometry.geom_type != "MultiPolygon" or geometry.empty:
        raise ServiceError(errors={"geometry": [_("Hình thể phải là một vùng (Polygon/MultiPolygon).")]})
    if geometry.srid != VN2000_SRID:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ST_AsEWKT(ST_Transform(%s::geometry, %s))", [geometry.hexewkb.decode(), VN2000_SRID])
            geometry = GEOSGeometry(cursor.fetchone()[0])
    if not geometry.valid:
        raise ServiceError(
            errors={"geometry": [_("Hình thể không hợp lệ: %(reason)s") % {"reason": geometry.valid_reason}]}
        )
    x0, y0, x1, y1 = geometry.extent
    if not (in_province_vn2000(x0, y0) and in_province_vn2000(x1, y1)):
        raise ServiceError(errors={"geometry": [_("Hình thể nằm ngoài tỉnh Lạng Sơn: kiểm tra hệ tọa độ.")]})
    return geometry


def parcel_edit(
    *,
    parcel: Parcel,
    actor,
    reason: str,
    expected_version: int,
    changes: dict | None = None,
    geometry: GEOSGeometry | None = None,
) -> Parcel:
    """A named, audited change of a parcel's attributes and/or geometry. The state before the change
    is kept as a ParcelVersion; the parcel's version goes up by one.

    Raises NotAllowedError outside the official's scope, ConflictError when someone else changed
    the parcel since `expected_version` was read, ServiceError for invalid values or no change."""
    if not may_handle_parcel(actor, parcel):
        raise NotAllowedError(_("Bạn không có quyền sửa thửa đất này."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ServiceError(errors={"reason": [_("Ghi rõ lý do thay đổi (căn cứ, văn bản).")]})
    changes = {k: v for k, v in (changes or {}).items() if k in EDITABLE}
    if "land_use" in changes and not LandUseCode.objects.filter(code=changes["land_use"], is_active=True).exists():
        raise ServiceError(errors={"land_use": [_("Loại đất không có trong danh mục.")]})
    if "area_m2" in changes and Decimal(changes["area_m2"]) <= 0:
        raise ServiceError(errors={"area_m2": [_("Diện tích phải lớn hơn 0.")]})
    new_geom = _vn2000_multipolygon(geometry) if geometry is not None else None
    with transaction.atomic():
        locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
        if locked.version != expected_version:
            raise ConflictError(
                _("Thửa đất vừa được người khác cập nhật (phiên bản %(v)s). Tải lại trang và sửa lại.")
                % {"v": locked.version}
            )
        before = _snapshot(locked)
        before_geom = locked.geom
        fields = {("land_use_id" if k == "land_use" else k): v for k, v in changes.items()}
        differs = {k: v for k, v in fields.items() if str(getattr(locked, k)) != str(v)}
        if not differs and (new_geom is None or new_geom.equals_exact(locked.geom, 0.001)):
            raise ServiceError(_("Không có thay đổi nào để lưu."))
        ParcelVersion.objects.create(
            parcel=locked, version=locked.version, attributes=before, geom=locked.geom, reason=reason, changed_by=actor
        )
        for key, value in differs.items():
            setattr(locked, key, value)
        if new_geom is not None:
            locked.geom = new_geom
        locked.version += 1
        locked.save()
        # The map's stored low-zoom tiles show the parcel's shape and land use: drop those over it,
        # once the change is visible to the request that renders them again.
        old_geom, new_shape = before_geom, locked.geom
        transaction.on_commit(lambda: tiles.invalidate_geometries(old_geom, new_shape))
        transaction.on_commit(_data_changed)
        after = _snapshot(locked)
        audit_record(
            actor=actor,
            action="land.parcel.edit",
            obj=locked,
            before={**before, "version": locked.version - 1},
            after={**after, "version": locked.version, "reason": reason, "geometry_changed": new_geom is not None},
        )
    return locked


# --- error reports --------------------------------------------------------------------------------


def report_submit(
    *, parcel: Parcel, reporter, field: str, description: str, evidence, client_token: uuid.UUID | None = None
) -> ErrorReport:
    """A land user reports an error in the parcel's data with evidence (PDF/JPG/PNG ≤ 10 MB).
    Idempotent on (reporter, client_token): a double submit returns the first report.

    Raises NotAllowedError when the reporter is not a land user of the parcel, ServiceError for a
    bad field, description or evidence file."""
    if client_token:
        existing = ErrorReport.objects.filter(reporter=reporter, client_token=client_token).first()
        if existing:
            return existing
    citizen_id = getattr(reporter, "citizen_id", "") or ""
    if not citizen_id or not ParcelOwner.objects.filter(parcel=parcel, id_number=citizen_id).exists():
        raise NotAllowedError(
            _("Chỉ người sử dụng đất của thửa này (theo số CCCD trong tài khoản) mới gửi được báo sai sót.")
        )
    errors = {}
    if field not in ErrorReport.Field.values:
        errors["field"] = [_("Chọn thông tin bị sai.")]
    description = (description or "").strip()
    if len(description) < 10:
        errors["description"] = [_("Mô tả sai sót ít nhất 10 ký tự.")]
    if evidence is None:
        errors["evidence"] = [_("Đính kèm tài liệu chứng minh (PDF, JPG hoặc PNG).")]
    else:
        try:
            check_upload(evidence, accepted_types=EVIDENCE_TYPES, max_size_bytes=EVIDENCE_MAX_BYTES)
        except ValidationError as exc:
            errors["evidence"] = list(exc.messages)
    if errors:
        raise ServiceError(_("Báo sai sót chưa gửi được."), errors=errors)
    report = ErrorReport(
        parcel=parcel,
        reporter=reporter,
        field=field,
        description=description[:2000],
        evidence_name=(getattr(evidence, "name", "") or "")[-120:],
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            report.evidence.save(evidence.name[-60:], evidence, save=False)
            report.save()
            audit_record(
                actor=reporter,
                action="land.report.submit",
                obj=report,
                after={"parcel": parcel.code, "field": field, "status": report.status},
            )
    except IntegrityError:
        # The same token raced us: the first report stands.
        return ErrorReport.objects.get(reporter=reporter, client_token=client_token)
    return report


TRANSITIONS = {
    "review": ({ErrorReport.Status.SUBMITTED}, ErrorReport.Status.IN_REVIEW),
    "accept": ({ErrorReport.Status.SUBMITTED, ErrorReport.Status.IN_REVIEW}, ErrorReport.Status.ACCEPTED),
    "reject": ({ErrorReport.Status.SUBMITTED, ErrorReport.Status.IN_REVIEW}, ErrorReport.Status.REJECTED),
}


def report_transition(*, report: ErrorReport, actor, action: str, answer: str = "") -> ErrorReport:
    """Move a report through the land office's queue: `review`, then `accept` or `reject` with an
    answer to the reporter. The one function that changes a report's status (locks, writes, audits).

    Raises NotAllowedError outside the official's scope, InvalidTransitionError from a wrong state,
    ServiceError without an answer."""
    if action not in TRANSITIONS:
        raise InvalidTransitionError(_("Thao tác không hợp lệ."))
    if not is_land_official(actor) or not may_handle_parcel(actor, report.parcel):
        raise NotAllowedError(_("Bạn không có quyền xử lý báo sai sót này."))
    sources, target = TRANSITIONS[action]
    answer = (answer or "").strip()
    if action in ("accept", "reject") and len(answer) < 5:
        raise ServiceError(errors={"answer": [_("Nhập câu trả lời cho người báo (ít nhất 5 ký tự).")]})
    with transaction.atomic():
        locked = ErrorReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == target:
            return locked  # a double submit of the same decision changes nothing
        if locked.status not in sources:
            raise InvalidTransitionError(
                _("Báo sai sót đang ở trạng thái “%(status)s”, không thể thực hiện thao tác này.")
                % {"status": locked.get_status_display()}
            )
        before = locked.status
        locked.status = target
        locked.handled_by = actor
        if answer:
            locked.answer = answer[:4000]
            locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "handled_by", "answer", "answered_at"])
        audit_record(
            actor=actor,
            action=f"land.report.{action}",
            obj=locked,
            before={"status": before},
            after={"status": target, "answer": locked.answer},
        )
    _notify_reporter(locked)
    return locked


def _notify_reporter(report: ErrorReport) -> None:
    """Tell the reporter their report was answered (core.notifications, sent after the commit;
    deduplicated so a repeated decision sends nothing twice)."""
    if report.status not in (ErrorReport.Status.ACCEPTED, ErrorReport.Status.REJECTED):
        return
    from core.notifications.services import notify

    notify(
        event="land.report.answered",
        user=report.reporter,
        subject=_("Trả lời báo sai sót dữ liệu đất đai, thửa %(code)s") % {"code": report.parcel.code},
        body=report.answer,
        channels=("email",),
        dedupe_key=f"land.report.{report.uid}.answered",
    )


# --- imports of cadastral files ------------------------------------------------------------------

IMPORT_EXTENSIONS = (".geojson", ".json", ".geojsonl", ".geojsons", ".zip")
IMPORT_MAX_BYTES = 4 * 1024 * 1024 * 1024  # the province's whole file is ≈ 1.3 GB as GeoJSONSeq
IMPORT_SRS = ("", "4326", "vn2000")
# Share of the whole import each phase takes (measured at province scale: reading ≈ 40 %, the
# checks ≈ 20 %, saving ≈ 40 %), so one progress bar moves at a steady pace through the phases.
_PHASE_SPAN = {"load": (0.0, 40.0), "check": (40.0, 60.0), "save": (60.0, 100.0)}
PROGRESS_EVERY_SECONDS = 1.0


def parcel_import_create(
    *, actor, upload=None, path: str = "", srs: str = "", client_token: uuid.UUID | None = None
) -> ParcelImport:
    """Register an import of a cadastral file: an `upload` from a land official of the province (then
    queued for a worker after the commit), or a server `path` (the management command, which runs it
    itself). Audited. Raises NotAllowedError for anyone but a province-wide land official (or the
    system: actor None), ServiceError for a file that cannot be a parcel file."""
    if actor is not None and land_scope(actor) != "province":
        raise NotAllowedError(_("Chỉ cán bộ địa chính cấp tỉnh được nhập dữ liệu thửa đất."))
    if actor is not None and client_token:
        existing = ParcelImport.objects.filter(created_by=actor, client_token=client_token).first()
        if existing:
            return existing  # the same form sent twice: one run
    errors = {}
    srs = (srs or "").strip().lower()
    if upload is None and not path:
        errors["upload"] = [_("Chọn tệp dữ liệu thửa đất (GeoJSON, GeoJSONSeq hoặc Shapefile nén .zip).")]
    elif upload is not None:
        name = getattr(upload, "name", "") or ""
        if not name.lower().endswith(IMPORT_EXTENSIONS):
            errors["upload"] = [
                _("Tệp phải là GeoJSON (.geojson, .json), GeoJSONSeq (.geojsonl) hoặc Shapefile nén (.zip).")
            ]
        elif not upload.size:
            errors["upload"] = [_("Tệp rỗng, vui lòng chọn lại.")]
        elif upload.size > IMPORT_MAX_BYTES:
            errors["upload"] = [_("Tệp vượt quá dung lượng tối đa 4 GB.")]
    if srs not in IMPORT_SRS and not (path and srs):
        errors["srs"] = [_("Chọn hệ tọa độ trong danh sách.")]
    if errors:
        raise ServiceError(_("Chưa nhập được tệp."), errors=errors)
    with transaction.atomic():
        record = ParcelImport(
            file_name=os.path.basename(getattr(upload, "name", "") or path)[-255:],
            path=path,
            srs=srs,
            created_by=actor,
            client_token=client_token if actor is not None else None,
        )
        if upload is not None:
            record.upload.save(os.path.basename(upload.name), upload, save=False)
        record.save()
        audit_record(
            actor=actor,
            actor_label="" if actor else "manage.py import_parcels",
            action="land.import.create",
            obj=record,
            after={"file": record.file_name, "srs": srs, "status": record.status},
        )
        if upload is not None:
            from government.land.tasks import import_parcels_file

            transaction.on_commit(lambda: import_parcels_file.delay(record.pk))
    return record


@contextmanager
def _import_source(record: ParcelImport):
    """A local path GDAL can read: the server file, or the upload (copied from remote storage such
    as S3 to a temporary file first). A zipped Shapefile is read inside the archive."""
    if record.path:
        yield record.path
        return

    def gdal(path: str) -> str:
        return f"/vsizip/{path}" if path.lower().endswith(".zip") else path

    try:
        local = record.upload.path
    except NotImplementedError:
        suffix = os.path.splitext(record.upload.name)[1]
        with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
            with record.upload.open("rb") as source:
                shutil.copyfileobj(source, copy, 1024 * 1024)
            copy.flush()
            yield gdal(copy.name)
        return
    yield gdal(local)


def _listener(record_id: int):
    """Write the import's progress rows at most once a second (each step in its own autocommit
    statement, outside the importer's chunk transactions, so the progress page sees it at once)."""
    state = {"at": 0.0, "phase": ""}

    def listen(phase: str, share: float, result) -> None:
        now = time.monotonic()
        if phase == state["phase"] and share < 1.0 and now - state["at"] < PROGRESS_EVERY_SECONDS:
            return
        state.update(at=now, phase=phase)
        start, end = _PHASE_SPAN.get(phase, (0.0, 100.0))
        ParcelImport.objects.filter(pk=record_id).update(
            phase={"save": ParcelImport.Phase.SAVE}.get(phase, phase),
            percent=round(start + (end - start) * share, 1),
            read=result.read,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=result.skipped,
        )

    return listen


def parcel_import_run(*, import_id: int, progress: bool = False, batch_size: int | None = None) -> ParcelImport:
    """Run a registered import to its end, updating its progress rows as it goes. Idempotent: a
    finished import is returned as it is, one running in another live process is left to it, and a
    queued one (or one whose process died) is started (again: the upsert resumes where it stopped).
    The uploaded file (it holds owners' data) is deleted once the import is done. Audited at start
    and end. Raises nothing for a file that cannot be read: the import ends "failed" with the reason."""
    from government.land import importer

    parcel_imports_reap(exclude=import_id)
    with transaction.atomic():
        record = ParcelImport.objects.select_for_update().get(pk=import_id)
        if record.status in (ParcelImport.Status.DONE, ParcelImport.Status.FAILED):
            return record
        if record.status == ParcelImport.Status.RUNNING and importer.staging_alive(record.token):
            return record
        resumed = record.status == ParcelImport.Status.RUNNING
        record.token = importer.new_token()
        # Held from here, before the row says "running", so a second worker that reads the row
        # after this commit sees a live import and leaves it.
        importer.hold(record.token)
        record.status = ParcelImport.Status.RUNNING
        record.phase, record.percent, record.error = ParcelImport.Phase.LOAD, 0.0, ""
        record.started_at = timezone.now()
        record.save()
        audit_record(
            actor=None,
            actor_label="land import",
            action="land.import.start",
            obj=record,
            after={"status": record.status, "resumed": resumed},
        )
    try:
        with _import_source(record) as source:
            result = importer.import_parcels(
                source,
                srs=record.srs or None,
                progress=progress,
                listener=_listener(record.pk),
                token=record.token,
                **({"batch_size": batch_size} if batch_size else {}),
            )
    except importer.ImportAbortedError as exc:
        return _import_end(record, status=ParcelImport.Status.FAILED, error=str(exc)[:2000])
    except Exception:
        _data_changed()  # chunks saved before the failure stay saved
        _import_end(record, status=ParcelImport.Status.FAILED, error=_("Lỗi hệ thống khi nhập; xem nhật ký máy chủ."))
        raise
    finally:
        importer.release(record.token)
    record.read, record.inserted, record.updated = result.read, result.inserted, result.updated
    record.unchanged, record.skipped, record.truncated = result.unchanged, result.skipped, result.truncated
    record.problems = [[p.position, p.reason] for p in result.problems]
    record.phases = {name: round(seconds, 1) for name, seconds in result.phases.items()}
    if result.inserted or result.updated:
        _data_changed()
    return _import_end(record, status=ParcelImport.Status.DONE)


def _data_changed() -> None:
    """Parcels changed: cached statistics are stale (selectors.statistics_cached)."""
    from django.core.cache import cache

    from government.land.selectors import DATA_VERSION_KEY

    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        cache.set(DATA_VERSION_KEY, 1, None)


def _import_end(record: ParcelImport, *, status: str, error: str = "") -> ParcelImport:
    with transaction.atomic():
        record.status, record.error = status, error
        record.phase = ParcelImport.Phase.FINISHED
        if status == ParcelImport.Status.DONE:
            record.percent = 100.0
        record.finished_at = timezone.now()
        fields = ["status", "error", "phase", "percent", "finished_at"]
        if status == ParcelImport.Status.DONE:
            fields += ["read", "inserted", "updated", "unchanged", "skipped", "truncated", "problems", "phases"]
        else:
            # Keep the counters the progress rows reached before the failure.
            record.refresh_from_db(fields=["read", "inserted", "updated", "unchanged", "skipped"])
        record.save(update_fields=fields)
        audit_record(
            actor=None,
            actor_label="land import",
            action="land.import.finish",
            obj=record,
            after={
                "status": status,
                "read": record.read,
                "inserted": record.inserted,
                "updated": record.updated,
                "skipped": record.skipped,
            },
        )
    if status == ParcelImport.Status.DONE and record.upload:
        record.upload.delete(save=True)  # the file holds owners' personal data
    return record


def parcel_imports_reap(*, exclude: int | None = None) -> dict:
    """Clean up after killed imports: drop staging tables no live import holds, and mark "failed"
    the imports whose row says running but whose process is gone (its lock is free). Idempotent;
    run by `manage.py import_parcels --cleanup` and at the start of every import. Returns what it
    did ({"tables": [...], "imports": [ids]})."""
    from government.land import importer

    tables = importer.drop_orphaned_staging()
    stopped = []
    for record in ParcelImport.objects.filter(status=ParcelImport.Status.RUNNING).exclude(pk=exclude):
        if importer.staging_alive(record.token):
            continue
        with transaction.atomic():
            locked = ParcelImport.objects.select_for_update().get(pk=record.pk)
            if locked.status != ParcelImport.Status.RUNNING or importer.staging_alive(locked.token):
                continue
            locked.status = ParcelImport.Status.FAILED
            locked.phase = ParcelImport.Phase.FINISHED
            locked.error = _("Quá trình nhập bị dừng đột ngột (máy chủ hoặc tiến trình bị tắt). Chạy lại để nhập tiếp.")
            locked.finished_at = timezone.now()
            locked.save()
            audit_record(
                actor=None,
                actor_label="land import clean-up",
                action="land.import.stopped",
                obj=locked,
                before={"status": ParcelImport.Status.RUNNING},
                after={"status": locked.status},
            )
        stopped.append(record.pk)
    if stopped:
        _data_changed()  # a killed import's saved chunks stay saved
    return {"tables": tables, "imports": stopped}
