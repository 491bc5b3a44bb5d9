"""The ADRs point only at what exists, and say when one supersedes or amends another (issue 10).

- A repository path an ADR writes in backticks or links to (`core/sql.py`, `border_gate/services/`)
  exists: from the repository root, or — for a path written relative to the app the ADR is about
  (`services/incoming.py`, `templates/operations_centre/`) — at the end of some path of the
  repository. An ADR that records where code used to live names the old place in plain words.
  A one-segment folder (`statistics/`) is a URL more often than a path and is not checked.
- Every "ADR nnnn" names an ADR of docs/adr/.
- An ADR whose header says it supersedes or amends ADR nnnn is named back by ADR nnnn, so a reader
  of the older one learns that it no longer tells the whole story.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADR_DIR = ROOT / "docs" / "adr"
SKIP_DIRS = {".git", ".venv", ".data", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
PATH_EXT = re.compile(r"\.(py|md|sh|html|json|txt|ya?ml|toml|geojson|csv|js|css|po|cfg|ini)$")
BACKTICKED = re.compile(r"`([^`\s]+)`")
LINKED = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
ADR_NUMBER = re.compile(r"\bADR (\d{4})\b")


def _adrs() -> dict[str, Path]:
    return {path.name[:4]: path for path in sorted(ADR_DIR.glob("[0-9][0-9][0-9][0-9]-*.md"))}


def _repository_paths() -> set[str]:
    paths = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        rel = Path(folder).relative_to(ROOT).as_posix()
        prefix = "" if rel == "." else rel + "/"
        paths.add(prefix)
        paths.update(prefix + name for name in files)
    return paths


def _path_references(text: str) -> set[str]:
    found = set()
    for token in BACKTICKED.findall(text) + LINKED.findall(text):
        path = token.split("::")[0].rstrip(".,;:")
        if path.startswith(("http:", "https:", "/", "-", ".")) or "<" in path or "*" in path or "/" not in path:
            continue
        if PATH_EXT.search(path) or (path.endswith("/") and path.count("/") >= 2):
            found.add(path)
    return found


def _exists(path: str, repository: set[str]) -> bool:
    return path in repository or any(p.endswith("/" + path) for p in repository)


def test_adr_paths_exist():
    repository = _repository_paths()
    missing = [
        f"{adr.name}: {path}"
        for adr in _adrs().values()
        for path in sorted(_path_references(adr.read_text(encoding="utf-8")))
        if not _exists(path, repository)
    ]
    assert not missing, "ADRs point at paths that are not in the repository:\n  " + "\n  ".join(missing)


def test_adr_numbers_name_real_adrs():
    adrs = _adrs()
    unknown = [
        f"{adr.name}: ADR {number}"
        for adr in adrs.values()
        for number in sorted(set(ADR_NUMBER.findall(adr.read_text(encoding="utf-8"))))
        if number not in adrs
    ]
    assert not unknown, "ADRs name ADRs that do not exist:\n  " + "\n  ".join(unknown)


def test_a_superseded_or_amended_adr_names_its_successor():
    adrs = _adrs()
    silent = []
    for number, adr in adrs.items():
        header = adr.read_text(encoding="utf-8").split("\n## ", 1)[0]
        for clause in re.findall(r"(?:Supersedes|Amends)[^.]*", header):
            for older in ADR_NUMBER.findall(clause):
                if older in adrs and number not in adrs[older].read_text(encoding="utf-8"):
                    silent.append(f"ADR {older} does not name ADR {number}, which supersedes or amends it")
    assert not silent, "\n".join(silent)


def test_the_checks_see_a_missing_path():
    repository = {"core/", "core/sql.py", "government/documents/services/incoming.py"}
    refs = _path_references("`core/sql.py`, `services/incoming.py`, `core/gone.py`, `statistics/`, `<app>/x.py`")
    assert refs == {"core/sql.py", "services/incoming.py", "core/gone.py"}
    assert [p for p in sorted(refs) if not _exists(p, repository)] == ["core/gone.py"]
