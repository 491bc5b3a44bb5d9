"""Checks an uploaded file by its content (never its name) before it is stored: size, type as
detected by `filetype` from the magic bytes, and a parse of the whole file so a truncated or
forged PDF/image/DOCX is refused with a message instead of reaching an official."""

import hashlib
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.parsing import FileTooComplex, check_image_header, check_zip_archive

# Our name for a type → the extensions `filetype` reports for it.
TYPE_EXTENSIONS = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg"}, "png": {"png"}, "docx": {"docx"}}
TYPE_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "DOCX"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    mime: str
    size: int
    sha256: str


def _stream(uploaded):
    """The upload's own file object, rewound: parsers read it in place (a 2 MB upload is neither
    copied into a bytes object nor read more often than the parser needs)."""
    stream = getattr(uploaded, "file", uploaded)
    stream.seek(0)
    return stream


def _parse_pdf(stream) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    # A bounded read: the header, the trailer, the cross-reference table(s) and the catalogue's
    # page tree; page contents and images (most of a scan's bytes) are not decoded.
    reader = PdfFileReader(stream, strict=False)
    pages = reader.root["/Pages"]["/Count"]
    if int(pages) < 1:
        raise ValueError("no pages")


def _parse_image(stream) -> None:
    from PIL import Image

    try:
        image = Image.open(stream)
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling, far above ours
        raise FileTooComplex(str(exc)) from exc
    with image:
        check_image_header(image)  # the declared size, before anything is decoded
        image.verify()
    stream.seek(0)
    with Image.open(stream) as image:
        image.load()  # verify() does not decode the pixels; a truncated image fails here


def _parse_docx(stream) -> None:
    with zipfile.ZipFile(stream) as archive:
        check_zip_archive(archive)  # members and unpacked size from the directory, before testzip() inflates
        if "word/document.xml" not in archive.namelist() or archive.testzip() is not None:
            raise ValueError("not a Word document")


def _sha256(stream) -> str:
    stream.seek(0)
    # file_digest hashes an in-memory upload's buffer without a copy, a temporary file in blocks.
    return hashlib.file_digest(stream, "sha256").hexdigest()


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
    stream = _stream(uploaded)
    head = stream.read(8192)  # magic bytes: `filetype` looks at the first 8 KB at most
    guess = filetype.guess(head)
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
        PARSERS[kind](_stream(uploaded))
    except FileTooComplex as exc:
        raise ValidationError(
            _("Tệp %(kind)s quá phức tạp để kiểm tra (kích thước ảnh hoặc dung lượng giải nén quá lớn).")
            % {"kind": TYPE_LABELS.get(kind, kind)},
            code="too_complex",
        ) from exc
    except Exception as exc:
        raise ValidationError(
            _("Tệp %(kind)s bị hỏng hoặc không đọc được, vui lòng kiểm tra và tải lên lại.")
            % {"kind": TYPE_LABELS.get(kind, kind)},
            code="malformed",
        ) from exc
    sha256 = _sha256(stream)
    stream.seek(0)  # left rewound for the storage write
    return CheckedFile(kind=kind, mime=guess.mime, size=size, sha256=sha256)
