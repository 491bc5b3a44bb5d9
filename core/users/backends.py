"""The model and allauth authentication backends of settings.AUTHENTICATION_BACKENDS, each reading
the signed-in user of a request with one prepared statement instead of the ORM's `get(pk=…)`
(axes' backend only checks lockouts and never loads users).

Why: every authenticated request loads its user (django.contrib.auth.get_user → the backend that
logged them in → `get_user(id)`); building that ORM query cost more CPU than PostgreSQL spent
running it: measured in issue 10, this read instead of the ORM's spares ~0.9 ms of web CPU per
signed-in request (docs/benchmarks.md; ADR 0402 says when to revisit). The row comes back as an ordinary User instance
(core.sql), with the same checks (`user_can_authenticate`: inactive users get
no session user) and nothing cached between requests (a deactivation takes effect at once)."""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model

from core import sql


@functools.cache
def _user_select() -> sql.Select:
    model = get_user_model()
    return sql.model_select(model, None, f"{sql.col(model, model._meta.pk.name)} = %s")


class _ReadsUserOnce:
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(sql.fetch(_user_select(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_ReadsUserOnce, backends.ModelBackend):
    pass


class AuthenticationBackend(_ReadsUserOnce, AllauthBackend):
    pass
