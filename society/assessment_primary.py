"""Assessment rules of Circular 27/2020/TT-BGDĐT (primary school, grades 1–5), next to Circular 22's
secondary rules in `society/assessment.py`. Pure functions: the gradebook and class results call
them for a primary school's classes.

- Each subject and educational activity is assessed periodically (mid-term I, end of term I,
  mid-term II, end of year) at one of three levels: Hoàn thành tốt (T), Hoàn thành (H), Chưa hoàn
  thành (C) (Art. 7.1). In this portal a term's gradebook holds its mid-term (gk) and end-of-term
  (ck) levels.
- Tiếng Việt, Toán, Ngoại ngữ 1, Lịch sử và Địa lí, Khoa học, Tin học và Công nghệ have a periodic
  test at the end of term I and of the year; grades 4 and 5 also at mid-term for Tiếng Việt and
  Toán (Art. 7.2). Tests are scored 1–10 in whole numbers: no 0, no decimals.
- Qualities and competences are Tốt (T), Đạt (D) or Cần cố gắng (C) (Art. 8).
- End of year (Art. 9): Hoàn thành xuất sắc — every subject Hoàn thành tốt, every quality and
  competence Tốt, every end-of-year test ≥ 9; Hoàn thành tốt — the same with tests ≥ 7; Hoàn thành —
  subjects Hoàn thành tốt or Hoàn thành, qualities and competences Tốt or Đạt, tests ≥ 5; otherwise
  Chưa hoàn thành.
"""

from collections.abc import Iterable

GOOD, DONE, NOT_DONE = "T", "H", "C"  # subject levels
QUALITY_GOOD, QUALITY_PASS, QUALITY_EFFORT = "T", "D", "C"  # qualities and competences
EXCELLENT, VERY_GOOD, COMPLETED, NOT_COMPLETED = "HTXS", "HTT", "HT", "CHT"  # end of year

LEVELS = (GOOD, DONE, NOT_DONE)
QUALITY_LEVELS = (QUALITY_GOOD, QUALITY_PASS, QUALITY_EFFORT)
# What the homeroom teacher assesses at the end of term I and of the year, in the order of the
# Circular's transcript form: the five main qualities, the three general competences and the
# seven specific competences of the 2018 general education programme (codes of
# society.models.PrimaryQuality.Item). Công nghệ and Tin học came later than the other five
# (ADR 1405): a homeroom book finished before them (HomeroomBook.legacy_items) needs only
# LEGACY_ITEMS.
QUALITIES = ("yeu_nuoc", "nhan_ai", "cham_chi", "trung_thuc", "trach_nhiem")
GENERAL_COMPETENCES = ("tu_chu_tu_hoc", "giao_tiep_hop_tac", "gqvd_sang_tao")
SPECIFIC_COMPETENCES = ("ngon_ngu", "tinh_toan", "khoa_hoc", "cong_nghe", "tin_hoc", "tham_mi", "the_chat")
QUALITY_ITEMS = (*QUALITIES, *GENERAL_COMPETENCES, *SPECIFIC_COMPETENCES)
ADDED_ITEMS = ("cong_nghe", "tin_hoc")
LEGACY_ITEMS = tuple(i for i in QUALITY_ITEMS if i not in ADDED_ITEMS)


def required_items(legacy: bool = False) -> tuple[str, ...]:
    """The items every student needs a level in before a book is finished: all 15, or the 13 a
    book finished before Công nghệ and Tin học were added was finished with."""
    return LEGACY_ITEMS if legacy else QUALITY_ITEMS


def counted_items(levels: dict[str, str], legacy: bool = False) -> tuple[str, ...]:
    """The items the end-of-year result weighs: the required ones, and on a legacy book also a new
    item that has been entered since."""
    return tuple(i for i in QUALITY_ITEMS if i in required_items(legacy) or levels.get(i))


# Subject codes (society.Subject.code) with periodic tests; the mid-term ones only in grades 4–5.
TESTED_SUBJECTS = frozenset({"tieng-viet", "toan", "ngoai-ngu-1", "tieng-anh", "ls-dl", "khoa-hoc", "tin-hoc-cn"})
MID_TERM_TESTED_SUBJECTS = frozenset({"tieng-viet", "toan"})
# Gradebook cells of a primary term: the mid-term and end-of-term levels, and their tests' scores.
LEVEL_COMPONENTS = ("gk", "ck")
TEST_COMPONENTS = {"gk": "kgk", "ck": "kck"}
# The subject teacher's written remark of the term (nhận xét); the end-of-year one is printed on the
# transcript, in a column that holds two lines of small type.
REMARK = "nx"
REMARK_MAX = 120
# The homeroom teacher's remark on one quality or competence (the form's "Nhận xét" column next to
# its level): one line of small type on the transcript.
QUALITY_REMARK_MAX = 80
# Qualities and competences are assessed at mid-term I, end of term I, mid-term II and end of year
# (Art. 6.2); the stored period numbers (society.models.PrimaryQuality) in the order of the year.
MID_TERM_1, END_OF_TERM_1, MID_TERM_2, END_OF_YEAR = 3, 1, 4, 2
QUALITY_PERIODS = (MID_TERM_1, END_OF_TERM_1, MID_TERM_2, END_OF_YEAR)


class LevelError(ValueError):
    pass


def parse_level(text: str) -> str:
    """ "T"/"H"/"C" (any case) or "" → the level; raises LevelError for anything else."""
    value = (text or "").strip().upper()
    if value not in ("", *LEVELS):
        raise LevelError("not a level")
    return value


def parse_remark(text: str) -> str:
    """A remark as it will be printed: one line, inner spaces collapsed; LevelError past REMARK_MAX."""
    value = " ".join((text or "").split())
    if len(value) > REMARK_MAX:
        raise LevelError("too long")
    return value


def parse_test_score(text: str) -> int | None:
    """A periodic test's score: a whole number 1–10 ("" → None). Raises LevelError for 0, a
    decimal ("7,5") or anything out of range (Art. 7.2: không cho điểm 0, không cho điểm thập phân)."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise LevelError("not a whole number")
    value = int(text)
    if not 1 <= value <= 10:
        raise LevelError("out of range")
    return value


def has_test(subject_code: str, grade: int, component: str) -> bool:
    """Whether the subject has a periodic test at this point of the term ("gk" mid-term, "ck" end)."""
    if subject_code not in TESTED_SUBJECTS:
        return False
    if component == "ck":
        return True
    return component == "gk" and grade >= 4 and subject_code in MID_TERM_TESTED_SUBJECTS


def tested_components(subject_code: str, grade: int) -> list[str]:
    """The test-score cells a term's gradebook of this subject and grade has."""
    return [TEST_COMPONENTS[c] for c in LEVEL_COMPONENTS if has_test(subject_code, grade, c)]


def term_result(levels: dict[str, str]) -> str | None:
    """A subject's result for the term: its end-of-term level, None while it is missing."""
    return levels.get("ck") or None


def year_result(
    subject_levels: Iterable[str | None],
    qualities: Iterable[str | None],
    end_of_year_tests: Iterable[int | None],
) -> str | None:
    """The end-of-year result (Art. 9) from every subject's end-of-year level, every quality and
    competence, and every end-of-year test score; None while any of them is missing."""
    subjects, qualities, tests = list(subject_levels), list(qualities), list(end_of_year_tests)
    if not subjects or any(v is None or v == "" for v in (*subjects, *qualities, *tests)):
        return None
    all_good = all(s == GOOD for s in subjects) and all(q == QUALITY_GOOD for q in qualities)
    if all_good and all(t >= 9 for t in tests):
        return EXCELLENT
    if all_good and all(t >= 7 for t in tests):
        return VERY_GOOD
    if (
        all(s in (GOOD, DONE) for s in subjects)
        and all(q in (QUALITY_GOOD, QUALITY_PASS) for q in qualities)
        and all(t >= 5 for t in tests)
    ):
        return COMPLETED
    return NOT_COMPLETED


# --- A primary term gradebook's cells -------------------------------------------------------------


def components(subject_code: str, grade: int) -> list[str]:
    """The cells of a term's gradebook: mid-term and end-of-term levels, the test scores, the remark."""
    return [*LEVEL_COMPONENTS, *tested_components(subject_code, grade), REMARK]


def is_test(component: str) -> bool:
    return component in TEST_COMPONENTS.values()


def parse_cell(component: str, text: str) -> tuple[int | None, str, str]:
    """(test score, level, remark) of one cell; raises LevelError for a bad one."""
    if component == REMARK:
        return None, "", parse_remark(text)
    if is_test(component):
        return parse_test_score(text), "", ""
    return None, parse_level(text), ""


def cells_complete(
    subject_code: str, grade: int, cells: dict[str, tuple[object, str, str]], *, remark_needed: bool = False
) -> bool:
    """Whether a term's gradebook row is complete: both levels and every test score entered, and
    the remark when it is the end of the year's (it is printed on the transcript)."""
    for component in components(subject_code, grade):
        score, level, remark = cells.get(component, (None, "", ""))
        if component == REMARK:
            if remark_needed and not remark:
                return False
        elif (score is None) if is_test(component) else not level:
            return False
    return True
