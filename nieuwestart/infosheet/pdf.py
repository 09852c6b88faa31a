"""PDF output of the information sheet and "Mijn plan": tagged, accessible, offline.

Rules: the PDF is PDF/UA-1 (tagged, with language and title), so a screen reader can read it as
well as the HTML page. It is rendered from the same template data as the page, with our own
A4 print stylesheet and the project's vendored Noto fonts, which WeasyPrint embeds. Nothing is
fetched from the network: the URL fetcher only opens files below the project's static folders.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

PICTOGRAMS = (
    "identiteit",
    "huisvesting",
    "inkomen",
    "financien",
    "zorg",
    "sociaal-netwerk",
    "algemeen",
)
PRINT_CSS = "infosheet/print.css"
FONTS_CSS = "vendor/fonts/fonts.css"

# WeasyPrint is imported where it is used: loading it (Pango, fonts) costs every process start
# time, and only the PDF views need it. It (and fontTools, which unpacks the WOFF2 fonts)
# reports every step at INFO level; only their warnings matter to us.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _local_files_only() -> Any:
    """A URL fetcher that opens only local files below the project; anything else (http, other
    folders) fails, so a PDF can never make the server fetch something from elsewhere."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    root = str(Path(settings.BASE_DIR).resolve() / "nieuwestart") + "/"

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
            if not str(path).startswith(root):
                raise ValueError(f"Alleen bestanden van het project: {url}")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols={"file"})


def _static_path(name: str) -> str:
    found = finders.find(name)
    if not found or isinstance(found, list):
        raise FileNotFoundError(name)
    return str(found)


@cache
def pictogram(name: str) -> SafeString:
    """The pictogram as inline SVG, hidden from assistive technology: a text label is next to
    it, so reading it out would only repeat the label."""
    if name not in PICTOGRAMS:
        return mark_safe("")  # nosec B308  # an empty string
    svg = Path(_static_path(f"infosheet/pictogrammen/{name}.svg")).read_text(encoding="utf-8")
    svg = svg.strip().replace(
        "<svg ", '<svg class="ns-pictogram" aria-hidden="true" focusable="false" ', 1
    )
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703  # our own static SVG file, not user input


def render_pdf(html: str) -> bytes:
    """Render one of our print templates to a tagged PDF (PDF/UA-1)."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    fetcher = _local_files_only()
    # @font-face rules only take effect with a font configuration shared by CSS and the PDF.
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=_static_path(FONTS_CSS), url_fetcher=fetcher, font_config=fonts),
        CSS(filename=_static_path(PRINT_CSS), url_fetcher=fetcher, font_config=fonts),
    ]
    document = HTML(
        string=html,
        base_url=str(Path(_static_path(PRINT_CSS)).parent) + "/",
        url_fetcher=fetcher,
    )
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf
