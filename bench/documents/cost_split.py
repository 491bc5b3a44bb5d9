"""Where a search page's CPU goes, part by part, in this process (no server, no network): the search
query (ORM building, execution, reading rows), the rows' labels, the rows' template, the page around
them, base.html alone and the whole view — process time per call, median of rounds. It explains the
throughput ratio to the bare view (docs/benchmarks.md, issue 16): the bare view's whole request costs
about what the search's query alone costs in Python.

    source scripts/env.sh run && PORTAL_DB_NAME=h_govdocs_bench DJANGO_DEBUG=0 \
        .venv/bin/python bench/documents/cost_split.py [--n 300] [--q "bien gioi"]
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from government.documents import selectors, views  # noqa: E402
from government.documents.forms import SearchForm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--q", default="bien gioi")
    parser.add_argument("--email", default="bench.vanthu@langson.gov.vn")
    args = parser.parse_args()
    user = get_user_model().objects.get(email=args.email)
    factory = RequestFactory()
    translation.activate("vi")

    def request():
        r = factory.get("/van-ban/tim-kiem/", {"q": args.q})
        r.user, r.session = user, {}
        r._messages = FallbackStorage(r)
        return r

    items, _has_next = selectors.search_page(user, page=1, q=args.q)
    rows = views._with_labels(items)
    rows_html = render_to_string("documents/_rows.html", {"rows": rows})

    def page():
        r = request()
        form = SearchForm(r.GET)
        form.is_valid()
        context = {"rows_html": rows_html, "number": 1, "has_next": True, "has_previous": False}
        return render(
            r,
            "documents/search.html",
            {"form": form, "page": context, "query": "", **views._search_choices(form)},
        )

    parts = {
        "search query (selectors.search_page)": lambda: selectors.search_page(user, page=1, q=args.q),
        "row labels (views._with_labels)": lambda: views._with_labels(items),
        "rows template": lambda: render_to_string("documents/_rows.html", {"rows": rows}),
        "page template around the rows": page,
        "base.html alone": lambda: render(request(), "base.html", {}),
        "whole view (views.search)": lambda: views.search(request()),
    }
    for label, call in parts.items():
        for _ in range(20):
            call()
        per_round = []
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.n):
                call()
            per_round.append((time.process_time() - start) / args.n * 1000)
        rounds = ", ".join(f"{v:.2f}" for v in per_round)
        print(f"{label:40s} {statistics.median(per_round):6.2f} ms  (rounds: {rounds})")


if __name__ == "__main__":
    main()
