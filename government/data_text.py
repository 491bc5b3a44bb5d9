"""The procedure catalogue's texts in the reader's language.

Procedures are reference data in Vietnamese (government/reference/procedures-*.json): form labels,
help, options, document names, fee notes, results, steps. Their English renderings are a data
catalogue beside them (procedures-*.en.json, keyed by the Vietnamese text), not gettext: the texts
change with the reference data, not with the code. English pages show the English; PDFs and the
official record keep the Vietnamese (they are rendered under translation.override("vi"))."""

import functools
import json
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

# government/reference.py's folder (not imported: the loader imports the form fields, which import this)
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@functools.cache
def english_texts() -> dict[str, str]:
    texts = {}
    for path in sorted(REFERENCE_DIR.glob("procedures-*.en.json")):
        texts |= {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    return texts


def data_text(text: str) -> str:
    """`text` (Vietnamese reference data) in the active language; itself when there is no rendering."""
    if text and (get_language() or "").startswith("en"):
        return english_texts().get(text, text)
    return text


# For form fields built once per procedure and rendered in each request's language.
data_text_lazy = lazy(data_text, str)
