"""CSV and XLSX exports of the indicator table: aggregates only, suppression applied.

Rules (issue 5, items 2 and 3):
- One row per indicator and period (the whole period, then each month or quarter): code,
  indicator, period, numerator, denominator, value in percent. Withheld cells read
  "minder dan 5" in every column that would carry a figure.
- Formula injection: a text cell that starts with `=`, `+`, `-` or `@` (also after a tab or
  carriage return) is prefixed with an apostrophe, so a spreadsheet shows it as text.
- XLSX is written with the standard library (`zipfile`): a minimal SpreadsheetML workbook
  with inline strings and numbers, no formulas, no macros. No extra dependency is needed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape  # nosec B406  # escapes output we write; nothing is parsed

Value = str | int | float | None

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would read as a formula, made harmless."""
    return "'" + value if value.startswith(DANGEROUS_START) else value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with BOM and `;` (what Dutch Excel opens correctly), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(
            [
                ""
                if v is None
                else neutralise(v)
                if isinstance(v, str)
                else str(v).replace(".", ",")
                for v in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = escape(neutralise(str(value)))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Value]], sheet_name: str) -> bytes:
    lines = []
    table: list[list[Value]] = [list(header), *[list(row) for row in rows]]
    for r, row in enumerate(table, start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()
