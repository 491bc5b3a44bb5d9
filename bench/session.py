"""A signed-in session as an e-mail + password login stores it, so benchmarks can load authenticated
pages: `session_key(user)` for the Python benchmark scripts (after their django.setup()), and from the
shell a cookie for wrk.

Usage: .venv/bin/python bench/session.py <email>   (run with the same environment as the server)
"""

import os
import sys


def session_key(user) -> str:
    """A new session of `user`, stored where the server reads sessions; its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "core.users.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main(email: str) -> None:
    import django

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    print(f"{settings.SESSION_COOKIE_NAME}={session_key(get_user_model().objects.get(email=email))}")


if __name__ == "__main__":
    main(sys.argv[1])
