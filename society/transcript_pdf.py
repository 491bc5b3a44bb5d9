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


def render_transcript(data: TranscriptData) -> bytes:
    _fonts()
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(f"Học bạ {data.year_label} — {data.student_name}")
    c.setAuthor(data.school_name)
    width, height = A4
    left, right = 50, width - 50
    y = height - 50

    c.setFont("DejaVu-Bold", 10)
    c.drawCentredString(width / 2, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont("DejaVu", 10)
    c.drawCentredString(width / 2, y - 14, "Độc lập - Tự do - Hạnh phúc")
    y -= 48
    c.setFont("DejaVu-Bold", 16)
    c.drawCentredString(width / 2, y, "HỌC BẠ SỐ")
    c.setFont("DejaVu", 10)
    c.drawCentredString(width / 2, y - 16, f"Năm học {data.year_label} — Lớp {data.class_name}")
    y -= 44

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
    for label, value in facts:
        c.setFont("DejaVu", 9)
        c.drawString(left, y, f"{label}:")
        c.setFont("DejaVu-Bold", 9)
        c.drawString(left + 130, y, value[:80])
        y -= 14
    y -= 10

    columns = [left, left + 220, left + 300, left + 380, right]
    headers = ["Môn học", "Học kỳ I", "Học kỳ II", "Cả năm"]
    row_h = 16

    def row(values, bold=False):
        nonlocal y
        c.setFont("DejaVu-Bold" if bold else "DejaVu", 9)
        c.drawString(columns[0] + 4, y - 11, values[0][:40])
        for i, v in enumerate(values[1:], start=1):
            c.drawCentredString((columns[i] + columns[i + 1]) / 2, y - 11, v)
        c.line(left, y - row_h, right, y - row_h)
        y -= row_h

    top = y
    c.line(left, y, right, y)
    row(headers, bold=True)
    for s in data.subjects:
        row([s.name, _cell(s.term1), _cell(s.term2), _cell(s.year)])
    row(
        ["Kết quả học tập", _cell(data.learning.get(1)), _cell(data.learning.get(2)), _cell(data.learning.get(0))], True
    )
    row(["Kết quả rèn luyện", _cell(data.conduct.get(1)), _cell(data.conduct.get(2)), _cell(data.conduct.get(0))], True)
    for x in columns:
        c.line(x, top, x, y)
    y -= 14
    c.setFont("DejaVu", 7.5)
    c.drawString(left, y, "Đánh giá theo Thông tư 22/2021/TT-BGDĐT; điểm trung bình làm tròn đến một chữ số thập phân.")
    y -= 36

    c.setFont("DejaVu-Bold", 9)
    c.drawCentredString(left + 110, y, "GIÁO VIÊN CHỦ NHIỆM")
    c.drawCentredString(right - 110, y, "HIỆU TRƯỞNG")
    c.setFont("DejaVu", 8)
    c.drawCentredString(left + 110, y - 13, "(ký số)")
    c.drawCentredString(right - 110, y - 13, "(ký số)")
    c.setFont("DejaVu-Bold", 9)
    c.drawCentredString(left + 110, y - 30, data.homeroom_name)
    c.drawCentredString(right - 110, y - 30, data.principal_name)

    # QR code to the public verification page, bottom left: segno's matrix drawn as one path of
    # horizontal runs (reportlab's QR widget builds a shape object per module: ~40 ms a page).
    size = 80
    _draw_qr(c, data.verification_url, x=left, y=40, size=size)
    c.setFont("DejaVu", 8)
    c.drawString(left + size + 10, 100, "Kiểm tra tính hợp lệ của học bạ này: quét mã QR hoặc mở")
    c.drawString(left + size + 10, 88, data.verification_url[:95])
    c.drawString(left + size + 10, 76, f"Mã kiểm tra: {data.verification_code}")
    c.drawString(left + size + 10, 64, "Học bạ có hai chữ ký số: giáo viên chủ nhiệm, rồi hiệu trưởng.")
    c.showPage()
    c.save()
    return out.getvalue()
