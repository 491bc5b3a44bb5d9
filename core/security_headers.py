"""Content-Security-Policy and Permissions-Policy on every response.

A fixed header set here rather than a library: Django 5.2 has no CSP support of its own (it arrives
in 6.0), the portal needs no nonces (no inline script anywhere: every script is a static file and
configuration travels in JSON data blocks, which a CSP does not execute), and one string is easier
to review than a library's configuration. tests/core/test_security_headers.py checks that no page
has an inline script or event handler."""

from django.conf import settings

# No inline script, no inline style attribute, no plugin, nothing loaded from elsewhere. Leaflet and
# Chart.js set styles through the CSSOM, which style-src does not restrict; the map and badges use
# data: images.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)
# The vendored API explorers (Swagger UI, Redoc) and Django's admin inject <style> elements: styles
# only are relaxed there, scripts stay 'self'.
RELAXED_STYLE_PREFIXES = ("/api/docs/", "/api/redoc/", "/admin/")
CONTENT_SECURITY_POLICY_RELAXED_STYLES = (
    CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    + "; worker-src 'self' blob:"
)
# No page uses the camera, microphone, location, payment or sensors: deny them to every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        relaxed = request.path_info.startswith(RELAXED_STYLE_PREFIXES)
        response.headers.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY_RELAXED_STYLES if relaxed else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if settings.DEBUG:
            # Django's technical error pages are inline-styled; they exist only with DEBUG on.
            response.headers["Content-Security-Policy"] = response.headers["Content-Security-Policy"].replace(
                "style-src 'self'", "style-src 'self' 'unsafe-inline'", 1
            )
        return response
