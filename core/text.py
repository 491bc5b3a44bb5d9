"""Text helpers every pillar's search shares."""

import unicodedata


def fold(text: str) -> str:
    """Vietnamese without diacritics, lower case: what PostgreSQL's `unaccent` does to the stored
    side, done to the typed side, so "Đông Kinh", "dong kinh" and "ĐÔNG KINH" find the same rows
    (unaccent maps đ → d too, which NFD alone does not: đ is a letter, not d with a mark)."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
