"""Video-conference rooms behind a small backend interface (settings.PORTAL_VIDEO_PROVIDER).

- `link` (default): the organiser pastes the room link of whatever system the province uses
  (a plain https link works).
- `jitsi`: the portal names a room on a Jitsi Meet server (settings.PORTAL_JITSI_URL) with an
  unguessable name, so a meeting has a room without anyone creating one by hand.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ServiceError


class VideoProvider:
    name = ""

    def room_url(self, *, typed_url: str) -> str:
        raise NotImplementedError


class PlainLinkProvider(VideoProvider):
    name = "link"

    def room_url(self, *, typed_url: str) -> str:
        url = (typed_url or "").strip()
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc:
            msg = _("Liên kết phòng họp phải bắt đầu bằng https://")
            raise ServiceError(msg, errors={"video_url": [msg]})
        return url


class JitsiProvider(VideoProvider):
    name = "jitsi"

    def room_url(self, *, typed_url: str) -> str:
        if typed_url:
            return PlainLinkProvider().room_url(typed_url=typed_url)
        base = settings.PORTAL_JITSI_URL.rstrip("/")
        return f"{base}/LangSon-{secrets.token_urlsafe(12)}"


PROVIDERS = {p.name: p for p in (PlainLinkProvider, JitsiProvider)}


def provider() -> VideoProvider:
    return PROVIDERS.get(settings.PORTAL_VIDEO_PROVIDER, PlainLinkProvider)()
