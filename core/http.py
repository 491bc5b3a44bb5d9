"""Who is asking: the client's address behind the portal's trusted proxies, and the request id.

One definition, used by the request log and the audit log (core.middleware), django-axes' lockout
(AXES_CLIENT_IP_CALLABLE), allauth's rate limits (core.users.adapter) and the portal's own counters.
Behind the load balancer the README recommends, REMOTE_ADDR is the balancer for everyone: counted by
it, one person's failed logins would lock out every other person."""

import ipaddress
import re
import uuid

from django.conf import settings

# The request id travels into log lines and audit rows (64 characters): accept a client's only when
# it is short and made of characters no log parser or terminal can trip on.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _clean_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[v6]:port"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "v4:port"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client as the first of the trusted proxies saw it.

    With PORTAL_TRUSTED_PROXY_COUNT = N > 0, each trusted proxy appends the address it received the
    request from to X-Forwarded-For, so the N-th entry from the right is the one the outermost trusted
    proxy wrote; anything to its left was sent by the client and may be forged. With N = 0 (no
    proxy, the default) the header is ignored entirely. A header with fewer than N entries means the
    request did not pass through every proxy: the connection's own address is used."""
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            ip = _clean_ip(forwarded[-count])
            if ip is not None:
                return ip
    remote = request.META.get("REMOTE_ADDR") or ""
    return _clean_ip(remote)


def request_id(request) -> str:
    """The client's (or proxy's) X-Request-ID when well formed (≤ 64 of [A-Za-z0-9._-]), else a new
    random one: a long or odd value would be cut by the audit log's column or forge log lines."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    return sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
