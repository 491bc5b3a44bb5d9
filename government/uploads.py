"""Checks an uploaded file by its content (never its name) before it is stored: size, type as
detected by `filetype` from the magic bytes, and a parse of the whole file so a truncated or
forged PDF/image/DOCX is refused with a message instead of reaching an official."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Our name for a type → the extensions `filetype` reports for it.
TYPE_EXTENSIONS = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg"}, "png": {"png"}, "docx": {"docx"}}
TYPE_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "DOCX"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    mime: str
    size: int
    sha256: str


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _parse_pdf(data: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    pages = reader.root["/Pages"]["/Count"]
    if int(pages) < 1:
        raise ValueError("no pages")


def _parse_image(data: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # verify() does not decode the pixels; a truncated image fails here


def _parse_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/document.xml" not in archive.namelist() or archive.testzip() is not None:
            raise ValueError("not a Word document")


PARSERS = {"pdf": _parse_pdf, "jpg": _parse_image, "png": _parse_image, "docx": _parse_docx}


def check_upload(uploaded, *, accepted_types: list[str], max_size_bytes: int) -> CheckedFile:
    """Return what the file really is, or raise ValidationError with a message for the citizen."""
    allowed = ", ".join(TYPE_LABELS.get(t, t.upper()) for t in accepted_types)
    size = uploaded.size
    if not size:
        raise ValidationError(_("Tệp rỗng, vui lòng chọn lại."), code="empty")
    if size > max_size_bytes:
        raise ValidationError(
            _("Tệp %(size)s MB vượt quá dung lượng tối đa %(max)s MB.")
            % {"size": f"{size / 1048576:.1f}".replace(".", ","), "max": max_size_bytes // 1048576},
            code="too_large",
        )
    data = _read_all(uploaded)
    guess = filetype.guess(data[:8192])
    kind = None
    if guess is not None:
        kind = next((t for t in accepted_types if guess.extension in TYPE_EXTENSIONS.get(t, {t})), None)
    if kind is None:
        found = guess.extension.upper() if guess else _("không xác định")
        raise ValidationError(
            _("Nội dung tệp không phải định dạng được chấp nhận (%(allowed)s); định dạng thực tế: %(found)s.")
            % {"allowed": allowed, "found": found},
            code="wrong_type",
        )
    try:
        PARSERS[kind](data)
    except Exception as exc:
        raise ValidationError(
            _("Tệp %(kind)s bị hỏng hoặc không đọc được, vui lòng kiểm tra và tải lên lại.")
            % {"kind": TYPE_LABELS.get(kind, kind)},
            code="malformed",
        ) from exc
    return CheckedFile(kind=kind, mime=guess.mime, size=size, sha256=hashlib.sha256(data).hexdigest())
