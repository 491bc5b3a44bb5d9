"""What the Content-Security-Policy (core/security_headers.py) would refuse in a page: inline
scripts, event-handler attributes, javascript: URLs and, where styles are strict, inline styles.
The URL matrix (tests/core/test_url_matrix.py) runs it on every page it renders, so a template that
brings inline code back fails the suite instead of silently breaking in the browser."""

from html.parser import HTMLParser

# <script type="..."> blocks that are data, not code: the browser never executes them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}


class _Finder(HTMLParser):
    def __init__(self, strict_styles: bool):
        super().__init__(convert_charrefs=True)
        self.strict_styles = strict_styles
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:...>")
            if name == "style" and self.strict_styles:
                self.problems.append(f'<{tag} style="{value}">')
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").lower()
            self._in_inline_script = kind not in DATA_SCRIPT_TYPES
        if tag == "style" and self.strict_styles:
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")
            self._in_inline_script = False


def csp_problems(response) -> list[str]:
    """Problems of one response: a missing policy, or inline code the policy would block."""
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy header"]
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return []
    style_src = next((d for d in policy.split(";") if d.strip().startswith("style-src")), "")
    finder = _Finder(strict_styles="'unsafe-inline'" not in style_src)
    finder.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
    return finder.problems
