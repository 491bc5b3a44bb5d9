"""The one error convention for services (docs/adr/1001-layout.md).

A service refuses an action by raising `ServiceError` (or a subclass named for its domain) with a
translated message and, where the refusal is about one input, field errors. It never raises HTTP
exceptions. Views turn it into form errors with `apply_to_form`; the API's exception handler
(`core.api.exception_handler`) turns it into a 400 (409 for `ConflictError`, 403 for
`NotAllowedError`) with the same field-level body DRF uses for validation errors.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
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


def apply_to_form(form, error: ServiceError) -> None:
    """Show a service's refusal on a Django form: each field error under its field (when the form has
    that field), the rest at the top. Keeps what the user typed, since the bound form is re-rendered."""
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if error.message and not any(str(error.message) in msgs for msgs in error.errors.values()):
        form.add_error(None, str(error.message))
