"""What the citizen reads on a signed PDF (issue 11): the signature stamp lies within the page and
within its own box (before, the stamp font's widths were wrong and the text ran off the page), and
amounts print grouped as they are written (50.000.000, not 50000000), on the result and on the
dossier page in either language."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from government import services
from tests.government.conftest import HOUSEHOLD_BUSINESS, pay, submitted
from tests.government.test_services import _through_to_approval

pytestmark = pytest.mark.django_db
DPI = 72  # one pixel per point: PDF coordinates map straight onto the image


def _result(citizen, official, leader):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)  # von_kinh_doanh 50000000
    pay(dossier)
    dossier = _through_to_approval(dossier, official)
    services.dossier_approve(dossier=dossier, actor=leader)
    return services.dossier_issue_result(dossier=dossier, actor=official)


def _render_last_page(data: bytes, *, margin: int, annotations: bool) -> Image.Image:
    """The last page, its media box grown by `margin` points on every side, so anything drawn
    beyond the page's edge shows up in the image."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    page = writer.add_page(reader.pages[-1])
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    page.mediabox = RectangleObject([x0 - margin, y0 - margin, x1 + margin, y1 + margin])
    page.cropbox = page.mediabox
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "page.pdf", Path(folder) / "page"
        with source.open("wb") as f:
            writer.write(f)
        args = ["pdftoppm", "-r", str(DPI), "-png", "-singlefile"]
        if not annotations:
            args.append("-hide-annotations")
        subprocess.run([*args, str(source), str(target)], capture_output=True, check=True)
        return Image.open(target.with_suffix(".png")).convert("L")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (make test provisions it)")
def test_the_signature_stamp_lies_within_the_page_and_its_box(citizen, commune_official, commune_leader):
    dossier = _result(citizen, commune_official, commune_leader)
    data = dossier.result_document.file.read()
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[-1]
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object()["/Subtype"] == "/Widget")
    rx0, ry0, rx1, ry1 = (float(v) for v in widget["/Rect"])
    assert x0 <= rx0 < rx1 <= x1 and y0 <= ry0 < ry1 <= y1  # the box itself is on the page

    margin = 200
    with_stamp = _render_last_page(data, margin=margin, annotations=True)
    without = _render_last_page(data, margin=margin, annotations=False)
    ink = ImageChops.difference(with_stamp, without).point(lambda v: 255 if v > 40 else 0).getbbox()
    assert ink is not None, "the stamp is drawn"
    left, top, right, bottom = ink  # pixels, origin top-left of the grown page
    height = y1 - y0 + 2 * margin
    # Back to PDF points (origin bottom-left of the page), one pixel of rounding either way.
    drawn = (left - margin + x0, (height - bottom) - margin + y0, right - margin + x0, (height - top) - margin + y0)
    assert drawn[0] >= rx0 - 1 and drawn[2] <= rx1 + 1, (drawn, (rx0, rx1))
    assert drawn[1] >= ry0 - 1 and drawn[3] <= ry1 + 1, (drawn, (ry0, ry1))
    assert drawn[2] <= x1 and drawn[0] >= x0  # nothing runs off the page


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())


def test_amounts_print_grouped_on_the_result_and_the_dossier_page(
    client, login, citizen, commune_official, commune_leader
):
    dossier = _result(citizen, commune_official, commune_leader)
    text = _pdf_text(dossier.result_document.file.read())
    assert "50.000.000" in text and "50000000" not in text
    login(citizen)
    url = reverse("government:dossier-detail", kwargs={"uid": dossier.uid})
    page = client.get(url).content.decode()
    assert "50.000.000" in page and "50000000" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "50,000,000" in english and "50000000" not in english
