"""The handout as an A4 PDF, drawn with ReportLab from a Handout (no Django needed here).

Pictures: the PDF embeds the rendered PNGs from the data directory. Rendering the body model takes minutes,
far too long for a request, so a picture that is not rendered yet is left out and the first page says which
command draws them. The printable web page shows the inline schematics instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from psoascare.web.handout.content import (
    FIGURES_COMMAND,
    MOVE_NOTE,
    MOVE_SOURCES,
    STRETCHING_NOTE,
    STRETCHING_SOURCES,
    Handout,
    HandoutExercise,
    HandoutFigure,
    HandoutLink,
)
from psoascare.web.handout.qr import qr_png

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 18 * mm
TEXT_WIDTH: Final = PAGE_WIDTH - 2 * MARGIN
# The largest box (width, height) a picture may fill; it keeps its own shape inside.
EXERCISE_PICTURE: Final = (42 * mm, 60 * mm)
LESSON_PICTURE: Final = (75 * mm, 85 * mm)
# The renders sit on a wide white canvas; trimming it (leaving this many pixels) makes the body readable.
TRIM_MARGIN_PX: Final = 12
NEAR_WHITE: Final = 245
QR_SIZE: Final = 34 * mm

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6b7c")
# (edge, fill) as on the site's .alert and .notice boxes.
EMERGENCY = colors.HexColor("#b3261e"), colors.HexColor("#fdecea")
URGENT = colors.HexColor("#e07b00"), colors.HexColor("#fff4e5")

# DejaVu (Debian's fonts-dejavu) covers ×, –, −, ° and curly quotes; ReportLab's own Vera, the fallback
# that is always there, lacks a few of them, which _printable replaces.
DEJAVU_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "HandoutSans", "HandoutSans-Bold"
ASCII_STAND_INS: Final = {"−": "-", "≥": ">=", "≤": "<=", "→": "->", "×": "x", "…": "...", "“": '"', "”": '"'}


@cache
def _register_fonts() -> None:
    dejavu = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    regular, bold = (str(p) for p in dejavu) if all(p.is_file() for p in dejavu) else ("Vera.ttf", "VeraBd.ttf")
    pdfmetrics.registerFont(TTFont(REGULAR, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _printable(text: str) -> str:
    """Text the embedded font can draw: a character it lacks becomes its ASCII stand-in."""
    glyphs = pdfmetrics.getFont(REGULAR).face.charToGlyph
    return "".join(ch if ord(ch) in glyphs or ch.isspace() else ASCII_STAND_INS.get(ch, "?") for ch in text)


def _markup(text: str) -> str:
    return escape(_printable(text))


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    strong: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle


def _styles() -> _Styles:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5, textColor=INK, alignment=TA_LEFT)
    return _Styles(
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=20, leading=24, spaceAfter=4),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=6),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3),
        body=ParagraphStyle("body-spaced", parent=body, spaceAfter=4),
        strong=ParagraphStyle("strong", parent=body, fontName=BOLD, spaceAfter=4),
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED, spaceAfter=4),
        note=ParagraphStyle("note", parent=body, backColor=URGENT[1], borderPadding=4, spaceBefore=4, spaceAfter=8),
    )


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


def _sources(sources: Sequence[str], styles: _Styles) -> Paragraph:
    return _paragraph("Sources: " + "; ".join(sources), styles.small)


def _bullets(items: Sequence[str], style: ParagraphStyle, *, numbered: bool = False) -> ListFlowable:
    kind = {"bulletType": "1"} if numbered else {"bulletType": "bullet", "start": "•"}
    return ListFlowable(
        [ListItem(_paragraph(item, style), leftIndent=14) for item in items],
        bulletFontName=REGULAR,
        bulletFontSize=style.fontSize,
        leftIndent=14,
        **kind,
    )


def _trimmed_png(path: Path) -> tuple[io.BytesIO, int, int]:
    """The rendered picture without its white surround, as PNG bytes with its pixel size."""
    with PILImage.open(path) as opened:
        picture = opened.convert("RGB")
    ink = picture.convert("L").point(lambda value: 255 if value < NEAR_WHITE else 0)
    box = ink.getbbox()
    if box is not None:
        left, top, right, bottom = box
        picture = picture.crop(
            (
                max(left - TRIM_MARGIN_PX, 0),
                max(top - TRIM_MARGIN_PX, 0),
                min(right + TRIM_MARGIN_PX, picture.width),
                min(bottom + TRIM_MARGIN_PX, picture.height),
            )
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer, picture.width, picture.height


def _picture(figure: HandoutFigure, box: tuple[float, float], styles: _Styles) -> list[Flowable]:
    assert figure.png is not None
    data, width, height = _trimmed_png(figure.png)
    scale = min(box[0] / width, box[1] / height)
    image = Image(data, width=width * scale, height=height * scale, hAlign="LEFT")
    return [image, Spacer(1, 1 * mm), _paragraph(figure.caption, styles.small)]


def _header(handout: Handout, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [
        _paragraph("Your PsoasCare handout", styles.title),
        _paragraph(f"For {handout.client_name}, prepared on {handout.prepared_on:%d %B %Y}.", styles.body),
    ]
    if handout.therapist_name:
        line = f"Your therapist: {handout.therapist_name}."
        if handout.video_call_url:
            line += f" Video call: {handout.video_call_url}"
        story.append(_paragraph(line, styles.body))
    story.append(
        _paragraph(
            "The QR codes for your links are on the last page. PsoasCare explains and guides; it does not diagnose.",
            styles.small,
        )
    )
    notes = list(handout.notes)
    if handout.missing_pictures:
        notes.append(f"Pictures: not all are rendered yet; the clinic can run `{FIGURES_COMMAND}` to add them.")
    story.extend(_paragraph(note, styles.note) for note in notes)
    return story


def _exercise(exercise: HandoutExercise, styles: _Styles) -> Flowable:
    text: list[Flowable] = [
        _paragraph(exercise.title, styles.h2),
        _paragraph(f"Dose: {exercise.dose_text}", styles.strong),
        _paragraph(exercise.purpose, styles.body),
        _bullets(exercise.steps, styles.body, numbered=True),
    ]
    if exercise.cautions:
        text += [_paragraph("Take care", styles.strong), _bullets(exercise.cautions, styles.body)]
    text.append(_paragraph(f"Source: {exercise.source}", styles.small))
    if exercise.figure is None or exercise.figure.png is None:
        return KeepTogether(text)
    picture_width = EXERCISE_PICTURE[0] + 4 * mm
    table = Table(
        [[_picture(exercise.figure, EXERCISE_PICTURE, styles), text]],
        colWidths=[picture_width, TEXT_WIDTH - picture_width],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def _routine(handout: Handout, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [_paragraph("Your routine", styles.h1)]
    routine = handout.routine
    group = handout.safety.group(handout.red_flags)
    if group is not None:
        flags = handout.red_flags
        told = f" {flags.wording.therapist_told}" if handout.safety.has_therapist else ""
        text = [group.action, group.advice, handout.safety.message(flags) + told]
        story.append(
            _red_flag_box(group.title, " ".join(text), [], EMERGENCY if group.level == "emergency" else URGENT, styles)
        )
        return story
    if routine is None:
        story.append(_paragraph("Your therapist has not given you a routine yet.", styles.body))
        return story
    story += [
        _paragraph(routine.title, styles.strong),
        _paragraph(f"When: {routine.days_text} at {routine.times_text}.", styles.body),
    ]
    story += [_exercise(exercise, styles) for exercise in routine.exercises]
    story += [Spacer(1, 4 * mm), _paragraph(STRETCHING_NOTE, styles.body), _sources(STRETCHING_SOURCES, styles)]
    return story


def _moves(handout: Handout, styles: _Styles) -> list[Flowable]:
    advice = handout.moves
    story: list[Flowable] = [
        _paragraph("Move during the day", styles.h1),
        _paragraph(advice.headline, styles.strong),
        _paragraph("Any of these will do:", styles.body),
        _bullets([f"{move.title}: {' '.join(move.steps)}" for move in advice.moves], styles.body),
        _paragraph(MOVE_NOTE, styles.body),
        _sources(MOVE_SOURCES, styles),
    ]
    return story


def _red_flag_box(
    title: str, advice: str, signs: Sequence[str], colours: tuple[colors.Color, colors.Color], styles: _Styles
) -> Table:
    edge, fill = colours
    cell: list[Flowable] = [
        _paragraph(title, styles.h2),
        _paragraph(advice, styles.body),
        _bullets(signs, styles.body),
    ]
    box = Table([[cell]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LINEBEFORE", (0, 0), (0, -1), 4, edge),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _red_flags(handout: Handout, styles: _Styles) -> list[Flowable]:
    flags = handout.red_flags
    return [
        _paragraph("Warning signs: stop and get help", styles.h1),
        _paragraph("Stop the routine if any of these apply to you.", styles.body),
        *(
            item
            for group, colours in ((flags.emergency, EMERGENCY), (flags.urgent, URGENT))
            for item in (
                _red_flag_box(
                    group.title, f"{group.action} {group.advice}", [s.question for s in group.signs], colours, styles
                ),
                Spacer(1, 4 * mm),
            )
        ),
        Spacer(1, 3 * mm),
        _paragraph(flags.note, styles.body),
        _sources(list(flags.sources), styles),
    ]


def _lesson(handout: Handout, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [
        _paragraph(handout.lesson_title, styles.h1),
        _paragraph(handout.lesson_summary, styles.body),
    ]
    for section in handout.lesson_sections:
        story += [_paragraph(section.heading, styles.h2), _paragraph(section.body, styles.body)]
        story.append(_sources(section.sources, styles))
    pictures = [_picture(f, LESSON_PICTURE, styles) for f in handout.lesson_figures if f.png is not None]
    if pictures:
        row = Table([pictures], colWidths=[TEXT_WIDTH / len(pictures)] * len(pictures))
        row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 3 * mm), KeepTogether([row])]
    return story


def _link_row(link: HandoutLink, styles: _Styles) -> list[object]:
    qr = Image(io.BytesIO(qr_png(link.url)), width=QR_SIZE, height=QR_SIZE)
    text = [
        _paragraph(link.label, styles.h2),
        _paragraph(link.explanation, styles.body),
        Paragraph(
            f'<link href="{escape(link.url, {chr(34): "&quot;"})}" color="#1a5fb4">{_markup(link.url)}</link>',
            styles.small,
        ),
    ]
    return [qr, text]


def _links(handout: Handout, styles: _Styles) -> list[Flowable]:
    table = Table([_link_row(link, styles) for link in handout.links], colWidths=[QR_SIZE + 6 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [
        _paragraph("On your phone", styles.h1),
        _paragraph("Point your phone camera at a code.", styles.body),
        table,
    ]


def _page_footer(client_name: str) -> object:
    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, _printable(f"PsoasCare handout for {client_name}"))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    return draw


def build_handout_pdf(handout: Handout) -> bytes:
    """The handout as PDF bytes (A4): routine, moving, warning signs, the lesson, then the QR codes."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"PsoasCare handout for {handout.client_name}",
        author="PsoasCare",
        subject="Home routine, moving during the day, warning signs and the psoas lesson",
    )
    # The warning signs get a page of their own, so it can be pinned up apart from the rest.
    story: list[Flowable] = [*_header(handout, styles), *_routine(handout, styles), Spacer(1, 4 * mm)]
    story += [KeepTogether(_moves(handout, styles)), PageBreak(), *_red_flags(handout, styles), PageBreak()]
    story += [*_lesson(handout, styles), PageBreak(), *_links(handout, styles)]
    footer = _page_footer(handout.client_name)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
