"""Names of stored files. Uploaded and generated files are private: no URL serves MEDIA_ROOT (not
even in development), each is served by a view that checks who asks, and each is stored under a
random name, so neither a user's file name, a receipt number nor a verification code reveals or
predicts a path (a leaked listing or a misconfigured proxy still exposes nothing guessable)."""

import re
import secrets

_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


def random_file_name(original: str, *, default_ext: str = "bin") -> str:
    """`<128 random bits>.<ext>`: only the extension of `original` is kept, and only if it is short
    and alphanumeric."""
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    return f"{secrets.token_hex(16)}.{ext if _EXTENSION.match(ext) else default_ext}"
