"""PDF rendering for every app: `render_pdf(template_name, context) -> bytes` (WeasyPrint, A4).

Templates extend "core/pdf/base.html", which sets A4 pages, DejaVu fonts (installed with the
system package fonts-dejavu-core; they carry every Vietnamese diacritic) and keeps the bottom of
each page free for the signature stamp that `core.signing.services.sign_pdf` adds.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Height reserved at the bottom of each page for the visible signature stamp (core.signing): the
# stamp is drawn there on the last page, so it never covers the document's text.
STAMP_AREA_MM = 42


class PDFResourceRefusedError(ValueError):
    pass


class _LocalOnlyFetcher(URLFetcher):
    """Only inline data and the portal's own static files: a PDF template may print text typed by
    a citizen, and WeasyPrint must never fetch a URL on their behalf (SSRF, slow renders)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS] + [Path(settings.BASE_DIR).resolve()]
            if any(path.is_relative_to(root) for root in roots):
                return super().fetch(url, headers)
        if "/static/" in url and not url.startswith(("http:", "https:")):
            found = finders.find(url.split("/static/", 1)[-1])
            if found:
                return super().fetch(Path(found).resolve().as_uri(), headers)
        raise PDFResourceRefusedError(f"resource refused in PDF rendering: {url[:100]}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes (A4, DejaVu fonts). Pure: no database writes.
    Raises TemplateDoesNotExist for an unknown template."""
    html = render_to_string(template_name, {"stamp_area_mm": STAMP_AREA_MM, **context})
    document = HTML(
        string=html,
        base_url=Path(settings.BASE_DIR).resolve().as_uri() + "/",
        url_fetcher=_LocalOnlyFetcher(allowed_protocols={"data", "file"}),
    )
    return document.write_pdf()
