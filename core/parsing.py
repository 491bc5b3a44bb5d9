"""Parsing untrusted files within bounds (issue 9, "Input"): one definition for every upload.

A small file can stand for a huge amount of work: a 100 KB PNG can declare 50,000 × 50,000 pixels
(10 GB once decoded), a 50 KB zip can unpack to gigabytes. The checks here read only what the file
declares (an image's header, a zip's central directory) and refuse before anything is decoded or
unpacked. Limits are settings (PORTAL_UPLOAD_MAX_*)."""

import zipfile

from django.conf import settings


class FileTooComplex(ValueError):  # noqa: N818 - reads as the refusal it is
    """The file declares more than the portal will decode (pixels, unpacked bytes, members)."""


def check_image_header(image) -> None:
    """`image` is a PIL image just opened (Image.open reads only the header): refuse one whose
    declared pixels exceed PORTAL_UPLOAD_MAX_IMAGE_PIXELS, before verify() or load() decode it.
    Pillow's own MAX_IMAGE_PIXELS only warns below twice its limit and raises far above ours."""
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > settings.PORTAL_UPLOAD_MAX_IMAGE_PIXELS:
        raise FileTooComplex(f"image of {width}x{height} pixels")
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and width * height * frames > settings.PORTAL_UPLOAD_MAX_IMAGE_PIXELS:
        raise FileTooComplex(f"{frames} frames of {width}x{height} pixels")


def check_zip_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip (docx, xlsx, ...) with more members or more unpacked bytes than the portal will
    read, from its central directory alone. The declared sizes are what zipfile enforces while
    reading (a member that inflates past its declared size raises), so capping them caps the work."""
    members = archive.infolist()
    if len(members) > settings.PORTAL_UPLOAD_MAX_ZIP_MEMBERS:
        raise FileTooComplex(f"{len(members)} members")
    total = sum(m.file_size for m in members)
    if total > settings.PORTAL_UPLOAD_MAX_UNZIPPED_BYTES:
        raise FileTooComplex(f"{total} bytes unpacked")
