"""The one error convention for services and selectors (docs/adr/1001-layout.md, ADR 1004).

A service refuses an action by raising `ServiceError` (or a subclass named for its domain) with a
translated message and, where the refusal is about one input, field errors. A selector that cannot
give what was asked raises `NotFoundError` (not there, or not there for this user) or
`NotAllowedError` (the user may not read this at all); where absence is an ordinary answer (a code
someone typed, "the user's wallet, if any") it returns None and the view says what absence means.
Neither raises HTTP exceptions. Views turn a refusal into form errors with `apply_to_form`; a
`NotFoundError` a view lets through is the 404 page (`NotFoundMiddleware`), a `NotAllowedError` the
403 page (it is a PermissionDenied); the API's exception handler (`core.api.exception_handler`)
turns a refusal into a 400 (409 for `InvalidTransitionError` and `ConflictError`, 403 for
`NotAllowedError`) with the same field-level body DRF uses for validation errors, and a
`NotFoundError` into DRF's own 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.functional import Promise

NON_FIELD = "non_field_errors"


class ServiceError(Exception):
    """A refused action with a message the user can read (already translated or lazy).

    `errors` maps a field name to a list of messages; the message itself is the non-field error
    unless `errors` already says everything."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str | Promise = "", *, errors: dict | None = None, code: str | None = None):
        super().__init__(str(message) if message else "")
        self.message = message
        self.errors = {
            field: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
            for field, msgs in (errors or {}).items()
        }
        if code:
            self.code = code

    def as_text(self) -> str:
        """Every message in one line, for a page that reports the refusal as a flash message."""
        return " ".join(m for msgs in self.as_dict().values() for m in msgs)

    def as_dict(self) -> dict[str, list[str]]:
        """The body the API answers: `{"field": ["message"], "non_field_errors": ["message"]}`."""
        body = {field: list(msgs) for field, msgs in self.errors.items()}
        if self.message and not body:
            body[NON_FIELD] = [str(self.message)]
        elif self.message and not any(str(self.message) in msgs for msgs in body.values()):
            body.setdefault(NON_FIELD, []).append(str(self.message))
        return body


class InvalidTransitionError(ServiceError):
    """The object is not in a state that allows this action (a state machine refused it)."""

    status_code = 409
    code = "invalid_transition"


class ConflictError(ServiceError):
    """The action collides with another one (an idempotency key reused with other content, a stale edit)."""

    status_code = 409
    code = "conflict"


class NotAllowedError(ServiceError, PermissionDenied):
    """The actor may not do this to this object (role, agency or commune scope). Also a
    PermissionDenied, so a view that lets it through answers 403 as Django does for any refusal."""

    status_code = 403
    code = "not_allowed"


class NotFoundError(ServiceError):
    """What was asked for is not there, or not there for this user: another person's dossier or an
    entry of another crossing is "not found", never "forbidden", so its existence is not disclosed.
    A page answers 404 (NotFoundMiddleware), the API DRF's 404 body; never a form error, since no
    correction of the input would help (apply_to_form lets it through)."""

    status_code = 404
    code = "not_found"


class InvalidInputError(ServiceError, ValidationError):
    """Input a service refuses, field by field (`errors={"field": [msg]}`). Also Django's
    ValidationError, as NotAllowedError is also PermissionDenied: the field validators services
    share with forms raise ValidationError, and a caller that checks input with them handles a
    service's refusal the same way (`message_dict` holds the same field errors as `errors`)."""

    code = "invalid"

    def __init__(self, message: str | Promise = "", *, errors: dict | None = None, code: str | None = None):
        ServiceError.__init__(self, message, errors=errors, code=code)
        # ServiceError's super().__init__ ran ValidationError's with the bare message; give it the
        # field errors instead (error_dict → message_dict), and keep this class's code.
        ValidationError.__init__(self, self.as_dict())
        self.message = message
        self.code = code or type(self).code


def apply_to_form(form, error: ServiceError, *, rows: dict | None = None) -> None:
    """Show a service's refusal on a Django form: each field error under its field (when the form has
    that field), the rest at the top. Keeps what the user typed, since the bound form is re-rendered.

    `rows` maps a prefix to a formset whose rows the service names by number, counted from 1 as
    the rows are numbered on the page: `{"goods": formset}` puts "goods-2-weight_kg" under the
    second row's weight and "goods" (the rows as a whole) at the top of the form.
    A NotFoundError is raised again: what the user asked for is not there, and the view answers
    404 as for any other page of a missing object."""
    if isinstance(error, NotFoundError):
        raise error
    rows = rows or {}
    for field, messages in error.errors.items():
        target, row_form = _row_target(field, rows)
        if row_form is not None:
            for message in messages:
                row_form.add_error(target, message)
            continue
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if error.message and not any(str(error.message) in msgs for msgs in error.errors.values()):
        form.add_error(None, str(error.message))


def _row_target(field: str, rows: dict):
    """("weight_kg", the second row's form) for "goods-2-weight_kg" when `rows` has "goods" and that
    row and field exist; (None, None) otherwise (the error goes on the main form)."""
    prefix, _sep, rest = field.partition("-")
    formset = rows.get(prefix)
    if formset is None or not rest:
        return None, None
    number, _sep, name = rest.partition("-")
    if not number.isdigit() or not 1 <= int(number) <= len(formset.forms):
        return None, None
    row_form = formset.forms[int(number) - 1]
    return (name if name in row_form.fields else None), row_form


class NotFoundMiddleware:
    """Pages: a NotFoundError a view lets through is Django's 404 page, exactly as Http404 would be
    (the API's views never let it through: DRF hands it to core.api.exception_handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFoundError):
            raise Http404(str(exception.message or "")) from exception
        return None
