"""One page, several actions: an object's page (a document, a meeting, a task) offers the small forms
the person may use in the object's current state, each posted with `action=<name>`. This module is
the one shape such a page takes (docs/adr/1001-layout.md):

    action = posted_action(request)
    forms = offered_forms(..., bound=binder(request, action))   # the page's own rules
    done = run_posted_action(request, action, forms, run, done=..., stale=..., url=...)
    if done:
        return done
    return render(...)                                          # a GET, or the posted form's errors
"""

from collections.abc import Callable

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import ServiceError, apply_to_form


def posted_action(request: HttpRequest) -> str:
    """The name of the posted action ("" for a GET)."""
    return request.POST.get("action", "") if request.method == "POST" else ""


def binder(request: HttpRequest, action: str) -> Callable[..., object]:
    """`bound(name)`: the request's data for the posted action's form, None for every other form (so
    only the posted one shows errors); `bound(name, files=True)`: its uploaded files."""

    def bound(name: str, *, files: bool = False):
        if name != action:
            return None
        return request.FILES if files else request.POST

    return bound


def run_posted_action(
    request: HttpRequest,
    action: str,
    forms: dict[str, Form],
    run: Callable[[str, Form], object],
    *,
    done: str | Callable[[str], str],
    stale: str,
    url: str,
) -> HttpResponse | None:
    """Run the posted action when its form is valid: `run(action, form)` calls one service. Returns the
    redirect back to `url` (with `done` as success message) when the request is finished; None when
    the page should be rendered — a GET, or a posted form whose errors (the service's refusal
    included, through `apply_to_form`) it shows with what the person typed."""
    if request.method != "POST":
        return None
    form = forms.get(action)
    if form is None:
        # A second click after the first one moved the object on, or a stale page: show it as it is now.
        messages.info(request, stale)
        return HttpResponseRedirect(url)
    if not form.is_valid():
        return None
    try:
        run(action, form)
    except ServiceError as exc:
        apply_to_form(form, exc)
        return None
    messages.success(request, str(done(action) if callable(done) else done))
    return HttpResponseRedirect(url)
