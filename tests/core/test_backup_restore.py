"""`make backup` / `make restore` (scripts/backup.sh, scripts/restore.sh): a round trip gives back
every table with the same rows and every media file with the same bytes."""

import hashlib
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from core.audit.services import audit_record
from tests.government.conftest import draft

ROOT = Path(__file__).resolve().parents[2]


def _connect(dbname: str):
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"], dbname=dbname)


def _tables_fingerprint(dbname: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the rows' text, order-independent, for every table."""
    with _connect(dbname) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"""
        )
        tables = [row[0] for row in cur.fetchall()]
        result = {}
        for table in tables:
            cur.execute(
                sql.SQL(
                    "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM {} t"
                ).format(sql.Identifier(table))
            )
            result[table] = cur.fetchone()
    return result


def _files_fingerprint(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def _drop(dbname: str) -> None:
    with _connect("postgres") as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def _run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", f"scripts/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_row_and_every_file(tmp_path, settings, citizen, celery_eager):
    settings.MEDIA_ROOT = tmp_path / "media"
    dossier = draft(citizen)  # uploaded files on disk, rows that name them
    audit_record(actor=citizen, action="core.test.backup", object_type="core.test", object_id=1, after={"ý": "đ"})
    assert dossier.files.count() and any((tmp_path / "media").rglob("*.pdf"))

    s = connection.settings_dict
    source = s["NAME"]
    target = f"{source}_restored"
    base = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_DB_")}
    base |= {"PORTAL_DB_HOST": s["HOST"], "PORTAL_DB_PORT": str(s["PORT"]), "PORTAL_DB_USER": s["USER"]}
    backup = _run(
        "backup.sh",
        env=base
        | {
            "PORTAL_DB_NAME": source,
            "PORTAL_MEDIA_ROOT": str(tmp_path / "media"),
            "PORTAL_BACKUP_DIR": str(tmp_path / "b"),
        },
    )
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    assert {p.name for p in Path(folder).iterdir()} == {"database.dump", "media.tar", "SHA256SUMS"}

    _drop(target)
    restore_env = base | {"PORTAL_DB_NAME": target, "PORTAL_MEDIA_ROOT": str(tmp_path / "restored")}
    try:
        restore = _run("restore.sh", folder, env=restore_env)
        assert restore.returncode == 0, restore.stderr
        before, after = _tables_fingerprint(source), _tables_fingerprint(target)
        assert before == after
        assert before["audit_auditlog"][0] >= 1 and before["government_dossierfile"][0] == dossier.files.count()
        assert _files_fingerprint(tmp_path / "restored") == _files_fingerprint(tmp_path / "media")
        # The restored audit log is as append-only as the original.
        with _connect(target) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("TRUNCATE audit_auditlog")
        # A second restore refuses to overwrite what is there.
        again = _run("restore.sh", folder, env=restore_env)
        assert again.returncode != 0 and "exists" in again.stderr
    finally:
        _drop(target)


def test_restore_refuses_a_damaged_backup(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"not a dump")
    (tmp_path / "media.tar").write_bytes(b"")
    (tmp_path / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n{'0' * 64}  media.tar\n")
    env = {**os.environ, "PORTAL_DB_NAME": "never_created_db", "PORTAL_MEDIA_ROOT": str(tmp_path / "m")}
    result = _run("restore.sh", str(tmp_path), env=env)
    assert result.returncode != 0 and "checksums" in result.stderr
