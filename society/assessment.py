"""Assessment rules of Circular 22/2021/TT-BGDĐT (lower and upper secondary, grades 6–12). Pure
functions over Decimals: the gradebook pages, the class results and the transcript PDF all use them.

- Subject term average (ĐTBmhk) = (sum of regular scores + 2 × mid-term + 3 × end-of-term)
  / (number of regular scores + 5), rounded to one decimal (Art. 9.1).
- Subject year average (ĐTBmcn) = (ĐTBmhkI + 2 × ĐTBmhkII) / 3, one decimal (Art. 9.2).
- A subject assessed by comment is Đạt for the term when the end-of-term assessment is Đạt and at
  least two thirds of all its assessments are Đạt; for the year, its term II result (Art. 7.1).
- Learning result of a term or year: Tốt / Khá / Đạt / Chưa đạt (Art. 9.2, below).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

REGULAR = ("tx1", "tx2", "tx3", "tx4")
COMPONENTS = (*REGULAR, "gk", "ck")  # a term gradebook's cells
MIN_REGULAR = 2  # the Circular asks for 2–4 regular assessments per term depending on the timetable
# The Circular counts "at least 6 subjects" for Tốt/Khá/Đạt; a class with fewer scored subjects
# (only in test and demo data: real timetables have 8+) uses all of them instead.
SUBJECTS_FOR_LEVEL = 6
ONE_DECIMAL = Decimal("0.1")
TEN = Decimal(10)

GOOD, FAIR, PASS, FAIL = "T", "K", "D", "CD"


class ScoreError(ValueError):
    pass


def parse_score(text: str) -> Decimal | None:
    """ "7,5" or "7.5" → Decimal("7.5"); "" → None. Raises ScoreError outside 0–10 or with more than
    one decimal (teachers type with a comma or a dot, on a phone keypad or a desktop)."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ScoreError("not a number") from exc
    if not value.is_finite() or value < 0 or value > TEN:
        raise ScoreError("out of range")
    if value != value.quantize(ONE_DECIMAL):
        raise ScoreError("more than one decimal")
    return value.quantize(ONE_DECIMAL)


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def term_average(scores: dict[str, Decimal | None]) -> Decimal | None:
    """The subject's term average, or None while an assessment it needs is missing."""
    regular = [scores[c] for c in REGULAR if scores.get(c) is not None]
    mid, end = scores.get("gk"), scores.get("ck")
    if len(regular) < MIN_REGULAR or mid is None or end is None:
        return None
    return _round((sum(regular) + 2 * mid + 3 * end) / (len(regular) + 5))


def year_average(term1: Decimal | None, term2: Decimal | None) -> Decimal | None:
    if term1 is None or term2 is None:
        return None
    return _round((term1 + 2 * term2) / 3)


def comment_term_result(comments: dict[str, str]) -> str | None:
    """PASS / FAIL for a subject assessed by comment, None while the end-of-term one is missing."""
    end = comments.get("ck") or ""
    if not end:
        return None
    given = [v for v in comments.values() if v]
    passed = sum(1 for v in given if v == PASS)
    return PASS if end == PASS and 3 * passed >= 2 * len(given) else FAIL


def learning_result(averages: list[Decimal | None], comments: list[str | None]) -> str | None:
    """Term or year learning result from the subjects' averages (scored subjects) and results
    (subjects assessed by comment); None while any of them is missing."""
    if any(a is None for a in averages) or any(c is None for c in comments):
        return None
    if not averages and not comments:
        return None
    need = min(SUBJECTS_FOR_LEVEL, len(averages))
    failed_comments = sum(1 for c in comments if c == FAIL)
    if failed_comments == 0 and all(a >= Decimal("6.5") for a in averages):
        if sum(1 for a in averages if a >= 8) >= need:
            return GOOD
    if failed_comments == 0 and all(a >= 5 for a in averages):
        if sum(1 for a in averages if a >= Decimal("6.5")) >= need:
            return FAIR
    if failed_comments <= 1 and all(a >= Decimal("3.5") for a in averages):
        if sum(1 for a in averages if a >= 5) >= need:
            return PASS
    return FAIL
