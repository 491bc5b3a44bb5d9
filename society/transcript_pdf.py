"""The transcript PDF (học bạ), drawn with reportlab's canvas: ~6 ms a page where WeasyPrint takes
100 ms or more, which decides whether 200,000 transcripts are signed in an evening (ADR 1401).
Pure: data in, bytes out; no database access. Fonts: DejaVu (fonts-dejavu-core), every Vietnamese
diacritic; reportlab embeds the subset it uses."""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import segno
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
LEVELS = {"T": "Tốt", "K": "Khá", "D": "Đạt", "CD": "Chưa đạt", None: "—", "": "—"}
LEFT, RIGHT = 50, A4[0] - 50
_fonts_ready = False


def _fonts() -> None:
    global _fonts_ready
    if not _fonts_ready:
        # Binary streams as they are (compressed), not ASCII85-encoded: smaller and cheaper.
        rl_config.useA85 = 0
        pdfmetrics.registerFont(TTFont("DejaVu", FONT_DIR + "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONT_DIR + "DejaVuSans-Bold.ttf"))
        _fonts_ready = True


@dataclass
class SubjectLine:
    name: str
    term1: object = None  # Decimal average or "D"/"CD"
    term2: object = None
    year: object = None


@dataclass
class TranscriptData:
    student_name: str
    student_code: str
    date_of_birth: str
    gender: str
    ethnicity: str
    place_of_birth: str
    personal_id: str
    school_name: str
    commune_name: str
    class_name: str
    year_label: str
    homeroom_name: str
    principal_name: str
    verification_url: str
    verification_code: str
    subjects: list[SubjectLine] = field(default_factory=list)
    learning: dict = field(default_factory=dict)  # 1, 2, 0 → level
    conduct: dict = field(default_factory=dict)
    # Secondary: the homeroom teacher's remark on the year (≤ 300 characters), printed under the
    # results as Circular 22's form has it.
    homeroom_remark: str = ""


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    return LEVELS.get(value, str(value))


def _draw_qr(c, text: str, *, x: float, y: float, size: float) -> None:
    # A fixed data mask: every QR reader reads any of the eight masks; choosing the "best" one
    # means encoding and scoring all eight, 80 % of the code's cost (~4 ms of a ~15 ms page).
    # tests/society/test_transcripts.py decodes the printed code with zbar.
    matrix = segno.make(text, error="m", micro=False, mask=0).matrix
    border = 2
    n = len(matrix) + 2 * border
    unit = size / n
    path = c.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + border + 1) * unit
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(x + (start + border) * unit, top, (col - start) * unit, unit)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def _begin(data, columns: int = 1) -> tuple[canvas.Canvas, BytesIO, float]:
    """A page with the national motto, the title and the student's identity facts (in one column,
    or two to leave room for a longer page); returns the canvas, its buffer and the height reached."""
    _fonts()
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(f"Học bạ {data.year_label} — {data.student_name}")
    c.setAuthor(data.school_name)
    width, height = A4
    y = height - 50
    c.setFont("DejaVu-Bold", 10)
    c.drawCentredString(width / 2, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont("DejaVu", 10)
    c.drawCentredString(width / 2, y - 14, "Độc lập - Tự do - Hạnh phúc")
    # The two-column page (primary) is the fuller one: its title block is a little tighter.
    compact = 8 if columns == 2 else 0
    y -= 48 - compact
    c.setFont("DejaVu-Bold", 16)
    c.drawCentredString(width / 2, y, "HỌC BẠ SỐ")
    c.setFont("DejaVu", 10)
    c.drawCentredString(width / 2, y - 16, f"Năm học {data.year_label} — Lớp {data.class_name}")
    y -= 44 - compact
    facts = [
        ("Họ và tên", data.student_name),
        ("Mã học sinh", data.student_code),
        ("Ngày sinh", data.date_of_birth),
        ("Giới tính", data.gender),
        ("Dân tộc", data.ethnicity or "—"),
        ("Nơi sinh", data.place_of_birth or "—"),
        ("Số định danh cá nhân", data.personal_id or "—"),
        ("Trường", f"{data.school_name} ({data.commune_name})"),
    ]
    if columns == 2:
        # The short facts share lines; names and places keep a line each, never cut short.
        name, code, born, gender, ethnicity, place, personal_id, school = facts
        for line in ([name], [code, born, gender], [ethnicity, personal_id], [place], [school]):
            x = LEFT
            for label, value in line:
                c.setFont("DejaVu", 9)
                c.drawString(x, y, f"{label}:")
                x += pdfmetrics.stringWidth(f"{label}:", "DejaVu", 9) + 4
                c.setFont("DejaVu-Bold", 9)
                c.drawString(x, y, value[:80])
                x += pdfmetrics.stringWidth(value[:80], "DejaVu-Bold", 9) + 24
            y -= 14
        return c, out, y - 10
    for label, value in facts:
        c.setFont("DejaVu", 9)
        c.drawString(LEFT, y, f"{label}:")
        c.setFont("DejaVu-Bold", 9)
        c.drawString(LEFT + 130, y, value[:80])
        y -= 14
    return c, out, y - 10


class _Table:
    """Rows of text between horizontal rules; the vertical rules are drawn by `close`."""

    ROW_H = 16

    def __init__(self, c, y: float, columns: list[float]):
        self.c, self.y, self.top, self.columns = c, y, y, columns
        c.line(LEFT, y, RIGHT, y)

    def row(self, values, bold=False, size=9):
        c, columns = self.c, self.columns
        c.setFont("DejaVu-Bold" if bold else "DejaVu", size)
        c.drawString(columns[0] + 4, self.y - 11, values[0][:48])
        for i, v in enumerate(values[1:], start=1):
            c.drawCentredString((columns[i] + columns[i + 1]) / 2, self.y - 11, v)
        c.line(LEFT, self.y - self.ROW_H, RIGHT, self.y - self.ROW_H)
        self.y -= self.ROW_H

    def close(self) -> float:
        for x in self.columns:
            self.c.line(x, self.top, x, self.y)
        return self.y


# The QR code's box, bottom left: its top (QR_Y + QR_SIZE) stays below the homeroom teacher's name,
# which sits right above it on the longest primary page (15 items, ADR 1405).
QR_Y, QR_SIZE = 26, 76


def _finish(c, out: BytesIO, data, y: float) -> bytes:
    """The two signers' blocks, the QR code to the public verification page and the page's end."""
    c.setFont("DejaVu-Bold", 9)
    c.drawCentredString(LEFT + 110, y, "GIÁO VIÊN CHỦ NHIỆM")
    c.drawCentredString(RIGHT - 110, y, "HIỆU TRƯỞNG")
    c.setFont("DejaVu", 8)
    c.drawCentredString(LEFT + 110, y - 13, "(ký số)")
    c.drawCentredString(RIGHT - 110, y - 13, "(ký số)")
    c.setFont("DejaVu-Bold", 9)
    c.drawCentredString(LEFT + 110, y - 30, data.homeroom_name)
    c.drawCentredString(RIGHT - 110, y - 30, data.principal_name)

    # QR code to the public verification page, bottom left: segno's matrix drawn as one path of
    # horizontal runs (reportlab's QR widget builds a shape object per module: ~40 ms a page).
    size = QR_SIZE
    _draw_qr(c, data.verification_url, x=LEFT, y=QR_Y, size=size)
    c.setFont("DejaVu", 8)
    c.drawString(LEFT + size + 10, 100, "Kiểm tra tính hợp lệ của học bạ này: quét mã QR hoặc mở")
    c.drawString(LEFT + size + 10, 88, data.verification_url[:95])
    c.drawString(LEFT + size + 10, 76, f"Mã kiểm tra: {data.verification_code}")
    c.drawString(LEFT + size + 10, 64, "Học bạ có hai chữ ký số: giáo viên chủ nhiệm, rồi hiệu trưởng.")
    c.showPage()
    c.save()
    return out.getvalue()


def render_transcript(data: TranscriptData) -> bytes:
    """A lower or upper secondary transcript (Circular 22): averages per term and year, learning
    and conduct results."""
    c, out, y = _begin(data)
    table = _Table(c, y, [LEFT, LEFT + 220, LEFT + 300, LEFT + 380, RIGHT])
    table.row(["Môn học", "Học kỳ I", "Học kỳ II", "Cả năm"], bold=True)
    for s in data.subjects:
        table.row([s.name, _cell(s.term1), _cell(s.term2), _cell(s.year)])
    learning, conduct = data.learning, data.conduct
    table.row(["Kết quả học tập", _cell(learning.get(1)), _cell(learning.get(2)), _cell(learning.get(0))], True)
    table.row(["Kết quả rèn luyện", _cell(conduct.get(1)), _cell(conduct.get(2)), _cell(conduct.get(0))], True)
    y = table.close() - 14
    c.setFont("DejaVu", 7.5)
    c.drawString(LEFT, y, "Đánh giá theo Thông tư 22/2021/TT-BGDĐT; điểm trung bình làm tròn đến một chữ số thập phân.")
    y -= 20
    c.setFont("DejaVu-Bold", 9)
    c.drawString(LEFT, y, "Nhận xét của giáo viên chủ nhiệm:")
    c.setFont("DejaVu", 8.5)
    for line in _wrap(data.homeroom_remark or "—", RIGHT - LEFT, "DejaVu", 8.5, 5):
        y -= 12
        c.drawString(LEFT, y, line)
    return _finish(c, out, data, y - 36)


# --- Primary school (Circular 27/2020/TT-BGDĐT) ------------------------------------------------------

PRIMARY_LEVELS = {"T": "Hoàn thành tốt", "H": "Hoàn thành", "C": "Chưa hoàn thành"}
QUALITY_LEVELS = {"T": "Tốt", "D": "Đạt", "C": "Cần cố gắng"}
YEAR_RESULTS = {
    "HTXS": "Hoàn thành xuất sắc",
    "HTT": "Hoàn thành tốt",
    "HT": "Hoàn thành",
    "CHT": "Chưa hoàn thành",
}


@dataclass
class PrimarySubjectLine:
    name: str
    level: str | None = None  # end-of-year level T/H/C
    test: int | None = None  # end-of-year periodic test, when the subject has one
    tested: bool = False
    remark: str = ""  # the subject teacher's end-of-year remark (≤ 120 characters)


@dataclass
class PrimaryTranscriptData(TranscriptData):
    grade: int = 1
    primary_subjects: list[PrimarySubjectLine] = field(default_factory=list)
    # [(group title, [(item name, level T/D/C or None, remark)])]: qualities, general and specific
    # competences, each with the homeroom teacher's remark (≤ QUALITY_REMARK_MAX characters).
    qualities: list[tuple[str, list[tuple[str, str | None, str]]]] = field(default_factory=list)
    year_result: str | None = None
    awards: list[str] = field(default_factory=list)  # Khen thưởng: titles and other awards


REMARK_FONT = 7
REMARK_LEADING = 8


def _wrap(text: str, width: float, font: str, size: float, max_lines: int) -> list[str]:
    """Words to lines that fit `width`; the last line ends with "…" when the text needs more."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def _fit_lines(text: str, width: float, size: float, max_lines: int, min_size: float = 5.0):
    """(lines, size): the text wrapped at `size`, or at a smaller size when it needs more than
    `max_lines` — a remark of the longest allowed is printed whole, never cut."""
    while size > min_size and len(_wrap(text, width, "DejaVu", size, 10**6)) > max_lines:
        size -= 0.25
    return _wrap(text, width, "DejaVu", size, max_lines), size


def _subjects_table(c, y: float, subjects: list[PrimarySubjectLine]) -> float:
    """Subject, level, test score and the teacher's remark (wrapped in small type, two lines at
    most, smaller type when it needs it: 12 subjects with remarks of the longest allowed still
    leave the page one sheet)."""
    columns = [LEFT, LEFT + 150, LEFT + 226, LEFT + 274, RIGHT]
    remark_width = columns[4] - columns[3] - 8
    c.line(LEFT, y, RIGHT, y)
    top = y
    c.setFont("DejaVu-Bold", 7.5)
    for i, title in enumerate(("Môn học và hoạt động giáo dục", "Mức đạt được", "Điểm KTĐK", "Nhận xét")):
        if i == 0:
            c.drawString(columns[0] + 4, y - 11, title)
        else:
            c.drawCentredString((columns[i] + columns[i + 1]) / 2, y - 11, title)
    y -= 16
    c.line(LEFT, y, RIGHT, y)
    for s in subjects:
        remark, remark_size = _fit_lines(s.remark, remark_width, REMARK_FONT, 2) if s.remark else ([], REMARK_FONT)
        height = max(16, 4 + REMARK_LEADING * len(remark))
        middle = y - height / 2 - 3
        c.setFont("DejaVu", 8)
        c.drawString(columns[0] + 4, middle, s.name[:34])
        c.drawCentredString((columns[1] + columns[2]) / 2, middle, PRIMARY_LEVELS.get(s.level or "", "—"))
        test = (str(s.test) if s.test is not None else "—") if s.tested else ""
        c.drawCentredString((columns[2] + columns[3]) / 2, middle, test)
        c.setFont("DejaVu", remark_size)
        for n, line in enumerate(remark):
            c.drawString(columns[3] + 4, y - 8.5 - n * REMARK_LEADING, line)
        y -= height
        c.line(LEFT, y, RIGHT, y)
    for x in columns:
        c.line(x, top, x, y)
    return y


# Fifteen items (ADR 1405) and the group headings fit between the subjects and the signers' block
# only in rows this tight: 7.2 pt type in 8.8 pt rows.
QUALITY_ROW = 8.8
QUALITY_HEADING = 10


def _fitted(c, text: str, x: float, y: float, width: float, size: float) -> None:
    """One line of `text` at `size`, or smaller when it is wider than `width` (a remark is never cut)."""
    natural = pdfmetrics.stringWidth(text, "DejaVu", size)
    c.setFont("DejaVu", size if natural <= width else max(size * width / natural, 4))
    c.drawString(x, y, text)


def _qualities_table(c, y: float, groups) -> float:
    """The form's qualities and competences: per group a heading row, then each item with its level
    and the homeroom teacher's remark on one line (15 items keep the page one sheet)."""
    columns = [LEFT, LEFT + 150, LEFT + 226, RIGHT]
    top = y
    c.line(LEFT, y, RIGHT, y)
    for n, (title, items) in enumerate(groups):
        c.setFont("DejaVu-Bold", 7.5)
        c.drawString(columns[0] + 4, y - 7.4, title)
        if n == 0:
            c.drawCentredString((columns[1] + columns[2]) / 2, y - 7.4, "Mức đạt được")
            c.drawCentredString((columns[2] + columns[3]) / 2, y - 7.4, "Nhận xét")
        y -= QUALITY_HEADING
        c.line(LEFT, y, RIGHT, y)
        for name, level, remark in items:
            c.setFont("DejaVu", 7.2)
            c.drawString(columns[0] + 10, y - 6.6, name[:40])
            c.drawCentredString((columns[1] + columns[2]) / 2, y - 6.6, QUALITY_LEVELS.get(level or "", "—"))
            if remark:
                _fitted(c, remark, columns[2] + 4, y - 6.6, columns[3] - columns[2] - 8, REMARK_FONT)
            y -= QUALITY_ROW
        c.line(LEFT, y, RIGHT, y)
    for x in columns:
        c.line(x, top, x, y)
    return y


def render_primary_transcript(data: PrimaryTranscriptData) -> bytes:
    """A primary transcript (Circular 27): each subject's end-of-year level, periodic test score and
    the subject teacher's remark, the qualities and competences, the end-of-year result and the
    school's awards — no averages."""
    c, out, y = _begin(data, columns=2)
    y = _subjects_table(c, y, data.primary_subjects) - 6
    y = _qualities_table(c, y, data.qualities) - 2
    # The result and what it means for the programme on one line.
    result = YEAR_RESULTS.get(data.year_result or "", "—")
    head = f"Đánh giá kết quả giáo dục cuối năm: {result}"
    c.setFont("DejaVu-Bold", 9)
    c.drawString(LEFT, y - 10, head)
    done = ""
    if data.year_result in ("HTXS", "HTT", "HT"):
        done = "Hoàn thành " + ("chương trình tiểu học." if data.grade >= 5 else f"chương trình lớp {data.grade}.")
    elif data.year_result == "CHT":
        done = f"Chưa hoàn thành chương trình lớp {data.grade}."
    if done:
        c.setFont("DejaVu", 8.5)
        c.drawString(LEFT + pdfmetrics.stringWidth(head, "DejaVu-Bold", 9), y - 10, f" — {done}")
    y -= 14
    label = "Khen thưởng: "  # the space drawn too, so that text extraction keeps the words apart
    indent = pdfmetrics.stringWidth(label, "DejaVu-Bold", 8.5)
    c.setFont("DejaVu-Bold", 8.5)
    c.drawString(LEFT, y - 10, label)
    c.setFont("DejaVu", 8.5)
    awards = _wrap("; ".join(data.awards) if data.awards else "—", RIGHT - LEFT - indent, "DejaVu", 8.5, 3)
    for n, line in enumerate(awards):
        c.drawString(LEFT + indent, y - 10 - n * 11, line)
    y -= 10 + 11 * len(awards)
    c.setFont("DejaVu", 7.5)
    c.drawString(LEFT, y, "Đánh giá theo Thông tư 27/2020/TT-BGDĐT; điểm kiểm tra định kỳ là số nguyên từ 1 đến 10.")
    return _finish(c, out, data, y - 20)
