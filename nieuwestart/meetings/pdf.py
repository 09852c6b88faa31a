"""The meeting pack as a PDF (WeasyPrint), for meetings in the PI where partners often may not
bring a laptop: agenda, plan summary, open tasks, participants and room for handwritten notes.

Rendered like the information sheet (`infosheet.pdf`): tagged PDF/UA-1, the vendored fonts,
no network access, plus our own small stylesheet for the note boxes.
"""

from __future__ import annotations

from pathlib import Path

from nieuwestart.infosheet.pdf import FONTS_CSS, PRINT_CSS, _local_files_only, _static_path

PACK_CSS = "meetings/pack-print.css"


def render_pack_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    fetcher = _local_files_only()
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=_static_path(name), url_fetcher=fetcher, font_config=fonts)
        for name in (FONTS_CSS, PRINT_CSS, PACK_CSS)
    ]
    document = HTML(
        string=html,
        base_url=str(Path(_static_path(PACK_CSS)).parent) + "/",
        url_fetcher=fetcher,
    )
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
