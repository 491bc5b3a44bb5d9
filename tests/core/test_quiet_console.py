"""`make run`'s console shows progress, the URL and the accounts, not library noise (issue 11): no
cryptography deprecation warning from pyHanko's imports, no fontTools subsetting warnings while the
demo PDFs are made, one readable line per request."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from core.logging import ConsoleFormatter

ROOT = Path(__file__).resolve().parents[2]


def test_a_django_process_starts_without_warnings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lang_son_portal.settings", "PYTHONWARNINGS": "default"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); import pyhanko.sign.signers.pdf_cms"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "DSA is deprecated" not in done.stderr and "CryptographyDeprecationWarning" not in done.stderr, done.stderr


def test_font_subsetting_warnings_stay_off_the_console():
    assert not logging.getLogger("fontTools.subset").isEnabledFor(logging.WARNING)
    assert logging.getLogger("fontTools.subset").isEnabledFor(logging.ERROR)


def test_the_console_format_is_one_short_line_per_request():
    record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "request", (), None)
    record.__dict__.update(method="GET", path="/border-gate/", status=200, duration_ms=12.4)
    line = ConsoleFormatter().format(record)
    assert line.endswith(" GET /border-gate/ 200 12 ms") and "{" not in line
    warning = logging.LogRecord("border_gate", logging.WARNING, __file__, 1, "queue %s late", ("A",), None)
    assert ConsoleFormatter().format(warning).endswith(" WARNING border_gate: queue A late")
