"""The agency's letterhead as an fpdf2 document, and the layout blocks every document shares.

`BrandedPdf` knows nothing of quotes or vouchers: it draws the header (logo, agency, contact),
the footer (legal mentions, page x/n) and generic blocks (title band, addressee, key/value
rows, section titles, paragraphs, tables, signature boxes). The fonts are the DejaVu files
committed in `assets/fonts`, embedded in every PDF, so the output never depends on the
server's fonts and prints accents, €, œ, « » and Babel's narrow no-break space.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, cast

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from PIL import Image

from agence.services.documents.content import Addressee, Branding
from agence.services.documents.labels import label
from agence.services.documents.locale import money

FONT_DIR = Path(__file__).resolve().parents[3] / "assets" / "fonts"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FAMILY = "DejaVu"
DEFAULT_COLOR = "#1F4E79"
MARGIN = 15.0
LOGO_HEIGHT = 16.0
LOGO_MAX_WIDTH = 40.0
FOOTER_SIZE = 6.5
TEXT_SIZE = 9.0
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)
ROW_TINT = (242, 242, 242)
TOTAL_TINT = (225, 225, 225)
_HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{6})$")

RGB = tuple[int, int, int]
Block = Callable[[float, float], float]  # draws at (x, current y) within width, returns its end y


_PARSED_FONTS: dict[str, TTFFont] = {}
_PARSED_FONTS_LOCK = threading.Lock()


def _parsed_font(style: str) -> TTFFont:
    """The DejaVu face of `style` as fpdf2 parses it (its metrics: a loop over ~6 000
    characters, a third of a document's rendering time), parsed once per process."""
    with _PARSED_FONTS_LOCK:
        if style not in _PARSED_FONTS:
            scratch = FPDF()
            scratch.add_font(FAMILY, style, FONT_DIR / FONT_FILES[style])
            _PARSED_FONTS[style] = cast(TTFFont, scratch.fonts[f"{FAMILY.lower()}{style}"])
        return _PARSED_FONTS[style]


def add_dejavu(pdf: FPDF, style: str) -> None:
    """Adds the DejaVu face of `style` to `pdf` as `pdf.add_font` would, from the metrics parsed
    once. What a document changes is its own: its font number, the subset of glyphs it uses,
    and a font file opened anew (embedding subsets the file in place). Pinned to fpdf2 2.8.9's
    TTFFont; `tests/services/documents/test_pdf_fonts.py` checks the bytes are those of
    `add_font`."""
    parsed = _parsed_font(style)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(parsed.ttffile, recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(parsed.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[parsed.fontkey] = font


def parse_color(value: str) -> RGB:
    """`#RRGGBB` as an RGB tuple; the default blue for anything else, since a site's colour is
    typed by hand and a typo must not stop a document."""
    match = _HEX_COLOR.match((value or "").strip())
    digits = match.group(1) if match else DEFAULT_COLOR[1:]
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def clean(text: str) -> str:
    """Text as fpdf2 prints it: Windows line breaks and tabs typed in the forms normalised."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def legal_footer_text(branding: Branding, language: str) -> str:
    """The mentions a French travel agency must print: identity, RCS, SIRET, VAT, licence."""
    identity = branding.name
    if branding.legal_form:
        identity = f"{identity}, {branding.legal_form}"
    if branding.share_capital is not None:
        capital = label("share_capital", language).format(
            amount=money(branding.share_capital, language)
        )
        identity = f"{identity} {capital}"
    parts = [identity]
    if branding.rcs:  # typed in full ("RCS Tours 123 456 789") or just the place and number
        rcs = branding.rcs.strip()
        prefix = label("rcs", language)
        parts.append(rcs if rcs.upper().startswith(prefix.upper()) else f"{prefix} {rcs}")
    if branding.siret:
        parts.append(f"{label('siret', language)} {branding.siret}")
    if branding.vat_number:
        parts.append(f"{label('vat_number', language)} {branding.vat_number}")
    if branding.tourism_licence:
        parts.append(f"{label('tourism_licence', language)} {branding.tourism_licence}")
    text = " – ".join(parts)
    if branding.legal_mentions:
        text = f"{text}\n{clean(branding.legal_mentions)}"
    return text


class BrandedPdf(FPDF):
    """An A4 page of the agency's letterhead; the renderers only add blocks to it."""

    def __init__(self, branding: Branding, language: str, title: str, issued_on: date) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.branding = branding
        self.language = language
        self.color = parse_color(branding.color)
        for style in FONT_FILES:
            add_dejavu(self, style)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0
        self.alias_nb_pages()
        self.set_title(title)
        self.set_author(branding.name)
        self.set_creator("Agence")
        self.set_producer("Agence")
        self.set_lang(language)
        # Equal input, equal bytes: the dates in the file are the issue date, not "now".
        self.set_creation_date(datetime.combine(issued_on, time(0, 0), tzinfo=UTC))
        self._logo_size = self._logo_box()
        self._footer_text = legal_footer_text(branding, language)
        self._footer_height = 0.0  # measured on the first page: fpdf2 measures text on a page
        self.set_font(FAMILY, size=TEXT_SIZE)

    # ----------------------------------------------------------------- header and footer

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        """A new page; the first one also sizes the footer, so the body stops above it."""
        super().add_page(*args, **kwargs)
        if not self._footer_height:
            self._footer_height = self._measure_footer()
            self.set_auto_page_break(True, margin=self._footer_height + 4)

    def _measure_footer(self) -> float:
        font = (self.font_family, self.font_style, self.font_size_pt)
        self.set_font(FAMILY, size=FOOTER_SIZE)
        # One output flag: fpdf returns that value alone (its annotation unions every mix).
        lines = cast(
            list[str],
            self.multi_cell(
                self.epw, 3, self._footer_text, align="C", dry_run=True, output="LINES"
            ),
        )
        self.set_font(*font)
        return len(lines) * 3 + 3 + 4 + 6  # rule gap, page number line, bottom margin

    def _logo_box(self) -> tuple[float, float] | None:
        """The logo's size on the page (at most 40 × 16 mm, proportions kept); None when the
        file is missing or not an image, so a broken upload never stops a document."""
        path = self.branding.logo_path
        if path is None or not Path(path).is_file():
            return None
        try:
            with Image.open(path) as image:
                width_px, height_px = image.size
        except (OSError, ValueError):
            return None
        if not width_px or not height_px:
            return None
        ratio = width_px / height_px
        width = min(LOGO_HEIGHT * ratio, LOGO_MAX_WIDTH)
        return width, width / ratio

    def _logo(self) -> float:
        """Draws the logo when there is one; returns the width it took."""
        if self._logo_size is None:
            return 0.0
        width, height = self._logo_size
        try:
            self.image(str(self.branding.logo_path), x=MARGIN, y=10, w=width, h=height)
        except (OSError, ValueError, RuntimeError):  # a format fpdf2 cannot embed: no logo
            self._logo_size = None
            return 0.0
        return width

    def header(self) -> None:
        """The letterhead on every page: logo, agency name, address, phone and e-mail."""
        logo_width = self._logo()
        x = MARGIN + (logo_width + 4 if logo_width else 0)
        width = self.w - MARGIN - x
        self.set_xy(x, 10)
        self.set_text_color(*self.color)
        self.set_font(FAMILY, "B", 13)
        self.cell(width, 6, self.branding.name, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_text_color(*GREY)
        self.set_font(FAMILY, size=8)
        contact = " – ".join(
            part
            for part in (
                f"{label('phone', self.language)} {self.branding.phone}"
                if self.branding.phone
                else "",
                self.branding.email,
            )
            if part
        )
        for line in (*self.branding.address_lines, contact):
            if line:
                self.set_x(x)
                self.cell(width, 3.6, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        logo_bottom = 10 + self._logo_size[1] if logo_width and self._logo_size else 0
        bottom = max(self.get_y(), logo_bottom) + 2
        self.set_draw_color(*self.color)
        self.set_line_width(0.8)
        self.line(MARGIN, bottom, self.w - MARGIN, bottom)
        self.set_line_width(0.2)
        self.set_text_color(*BLACK)
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.set_xy(MARGIN, bottom + 5)

    def footer(self) -> None:
        """The legal mentions and the page number `n/total` on every page."""
        top = self.h - self._footer_height
        self.set_draw_color(*self.color)
        self.set_line_width(0.3)
        self.line(MARGIN, top, self.w - MARGIN, top)
        self.set_line_width(0.2)
        self.set_xy(MARGIN, top + 1.5)
        self.set_text_color(*GREY)
        self.set_font(FAMILY, size=FOOTER_SIZE)
        self.multi_cell(self.epw, 3, self._footer_text, align="C")
        self.set_x(MARGIN)
        self.cell(self.epw, 4, f"{self.page_no()}/{self.str_alias_nb_pages}", align="R")
        self.set_text_color(*BLACK)

    # ----------------------------------------------------------------- generic blocks

    def keep_space(self, height: float) -> None:
        """Starts a new page unless `height` mm still fit: a heading never ends a page."""
        if self.will_page_break(height):
            self.add_page()

    def title_band(self, title: str, subtitle: str = "") -> None:
        """The document's name in a band of the site's colour, the dossier's title below."""
        self.set_fill_color(*self.color)
        self.set_text_color(*WHITE)
        self.set_font(FAMILY, "B", 14)
        self.set_x(MARGIN)
        self.multi_cell(self.epw, 8, clean(title), fill=True, align="L", padding=(1, 3))
        self.set_text_color(*BLACK)
        if subtitle:
            self.ln(2)
            self.set_font(FAMILY, "B", 12)
            self.multi_cell(self.epw, 6, clean(subtitle), align="L")
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.ln(4)

    def beside(self, left: Block, right: Block, split: float = 0.5, gap: float = 8) -> None:
        """Two blocks side by side from the current line (info left, addressee right)."""
        top = self.get_y()
        left_width = self.epw * split - gap / 2
        left_end = left(MARGIN, left_width)
        self.set_y(top)
        right_end = right(MARGIN + left_width + gap, self.epw - left_width - gap)
        self.set_xy(MARGIN, max(left_end, right_end) + 5)

    def lines_block(
        self, heading: str, lines: Sequence[str], x: float = MARGIN, w: float = 0
    ) -> float:
        """A small heading, a bold first line, then the others: an addressee or a party."""
        w = w or self.epw
        self.set_x(x)
        if heading:
            self.set_font(FAMILY, "B", 7.5)
            self.set_text_color(*self.color)
            self.multi_cell(w, 4, heading.upper(), align="L", new_x=XPos.LEFT)
            self.set_text_color(*BLACK)
        for index, line in enumerate(line for line in lines if line):
            self.set_font(FAMILY, "B" if index == 0 else "", 10 if index == 0 else TEXT_SIZE)
            self.multi_cell(w, 4.6, clean(line), align="L", new_x=XPos.LEFT)
        self.set_font(FAMILY, size=TEXT_SIZE)
        return self.get_y()

    def addressee_lines(self, addressee: Addressee) -> list[str]:
        """Name, address, contact person, phone and e-mail of an addressee, in print order."""
        lines = [addressee.name, *addressee.address_lines]
        if addressee.contact_name:
            lines.append(label("attention_of", self.language).format(name=addressee.contact_name))
        if addressee.contact_phone:
            lines.append(f"{label('phone', self.language)} {addressee.contact_phone}")
        if addressee.contact_email:
            lines.append(addressee.contact_email)
        return lines

    def addressee_block(
        self, addressee: Addressee, heading: str, x: float = MARGIN, w: float = 0
    ) -> float:
        return self.lines_block(heading, self.addressee_lines(addressee), x, w)

    def info_block(
        self,
        rows: Sequence[tuple[str, str]],
        x: float = MARGIN,
        w: float = 0,
        key_width: float = 0,
    ) -> float:
        """`key  value` rows (reference, date, group…); rows without a value are left out. The
        key column is as wide as the longest key (up to half the block) unless given."""
        w = w or self.epw
        rows = [(key, value) for key, value in rows if value]
        if not key_width:
            self.set_font(FAMILY, "B", TEXT_SIZE)
            longest = max((self.get_string_width(key) for key, _ in rows), default=0)
            key_width = min(longest + 4, w / 2)
        for key, value in rows:
            self.set_font(FAMILY, size=TEXT_SIZE)
            height = cast(
                float,
                self.multi_cell(w - key_width, 4.6, clean(value), dry_run=True, output="HEIGHT"),
            )
            self.keep_space(height)
            top = self.get_y()
            self.set_xy(x, top)
            self.set_font(FAMILY, "B", TEXT_SIZE)
            self.multi_cell(key_width - 2, 4.6, clean(key), align="L")
            key_end = self.get_y()
            self.set_xy(x + key_width, top)
            self.set_font(FAMILY, size=TEXT_SIZE)
            self.multi_cell(w - key_width, 4.6, clean(value), align="L")
            self.set_y(max(key_end, self.get_y()) + 0.6)
        return self.get_y()

    def section_title(self, text: str) -> None:
        """A coloured heading with a thin rule, kept with the first lines that follow it."""
        self.ln(3)
        self.keep_space(18)
        self.set_x(MARGIN)
        self.set_font(FAMILY, "B", 11)
        self.set_text_color(*self.color)
        self.multi_cell(self.epw, 6, clean(text), align="L")
        self.set_draw_color(*self.color)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_text_color(*BLACK)
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.ln(2)

    def paragraph(
        self,
        text: str,
        size: float = TEXT_SIZE,
        style: str = "",
        indent: float = 0,
        color: RGB = BLACK,
        align: str = "L",
    ) -> None:
        """Free text that may hold line breaks and run over several pages."""
        if not text or not text.strip():
            return
        self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_x(MARGIN + indent)
        self.multi_cell(self.epw - indent, size * 0.5, clean(text).strip("\n"), align=align)
        self.set_text_color(*BLACK)
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.ln(1)

    def bullet(self, text: str, level: int = 0) -> None:
        """One item of a list; `level` 1 is indented under the item above it."""
        indent = 4 + level * 7
        self.keep_space(5)
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.set_x(MARGIN + indent)
        self.cell(4, 4.8, "•" if level == 0 else "–")
        self.multi_cell(self.epw - indent - 4, 4.8, clean(text), align="L")

    def callout(self, lines: Sequence[str], size: float = 12) -> None:
        """Lines that must be seen first (the meeting point, our reference), in a tinted box."""
        tint = tuple(int(c + (255 - c) * 0.88) for c in self.color)
        self.set_fill_color(*tint)
        self.set_draw_color(*self.color)
        self.set_font(FAMILY, "B", size)
        self.set_x(MARGIN)
        self.multi_cell(
            self.epw,
            size * 0.55,
            "\n".join(clean(line) for line in lines if line),
            border=1,
            fill=True,
            align="L",
            padding=3,
        )
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.ln(3)

    def data_table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        col_widths: Sequence[float],
        aligns: Sequence[str] | None = None,
        bold_last_row: bool = False,
    ) -> None:
        """A table whose heading row repeats at the top of each page it runs onto."""
        self.keep_space(20)
        self.set_font(FAMILY, size=8.5)
        self.set_draw_color(190, 190, 190)
        # fpdf2 shades the tinted rows with the current fill colour: set it to the tint here
        # (a title band before would otherwise paint them in the site's colour).
        self.set_fill_color(*ROW_TINT)
        aligns = tuple(aligns or ("LEFT",) * len(headings))
        headings_style = FontFace(emphasis="BOLD", color=WHITE, fill_color=self.color)
        with self.table(
            col_widths=tuple(col_widths),
            text_align=aligns,
            headings_style=headings_style,
            line_height=4.4,
            padding=(1, 1.5),
            repeat_headings=1,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            cell_fill_color=ROW_TINT,
            cell_fill_mode=TableCellFillMode.ROWS,
            width=self.epw,
        ) as table:
            table.row([clean(h) for h in headings])
            for index, cells in enumerate(rows):
                last = bold_last_row and index == len(rows) - 1
                style = FontFace(emphasis="BOLD", fill_color=TOTAL_TINT) if last else None
                table.row([clean(c) for c in cells], style=style)
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.ln(3)

    def signature_blocks(self, blocks: Sequence[tuple[str, str]], height: float = 32) -> None:
        """Boxes to sign, side by side: (heading, what to write) each; kept on one page. A lone
        box takes the right half of the page, where a signature is expected."""
        self.ln(4)
        self.keep_space(height + 16)
        gap = 8
        columns = max(2, len(blocks))
        width = (self.epw - gap * (columns - 1)) / columns
        first = columns - len(blocks)
        lefts = [MARGIN + (first + index) * (width + gap) for index in range(len(blocks))]
        top = self.get_y()
        ends = []
        for x, (heading, instructions) in zip(lefts, blocks, strict=True):
            self.set_xy(x, top)
            self.set_font(FAMILY, "B", 10)
            self.multi_cell(width, 5, clean(heading), align="L", new_x=XPos.LEFT)
            self.set_font(FAMILY, "I", 7.5)
            self.set_text_color(*GREY)
            self.multi_cell(width, 3.6, clean(instructions), align="L", new_x=XPos.LEFT)
            self.set_text_color(*BLACK)
            ends.append(self.get_y())
        box_top = max(ends) + 1
        self.set_draw_color(*GREY)
        for x in lefts:
            self.rect(x, box_top, width, height)
        self.set_xy(MARGIN, box_top + height + 4)
        self.set_font(FAMILY, size=TEXT_SIZE)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
