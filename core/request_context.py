"""Per-request metadata (request id, client IP) for audit rows and logs, without passing the
request through every service signature."""

import contextvars

_meta: contextvars.ContextVar[dict | None] = contextvars.ContextVar("portal_request_meta", default=None)


def set_request_meta(meta: dict) -> contextvars.Token:
    return _meta.set(meta)


def reset_request_meta(token: contextvars.Token) -> None:
    _meta.reset(token)


def current_request_meta() -> dict:
    return _meta.get() or {}
