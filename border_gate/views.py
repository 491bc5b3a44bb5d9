from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# What the pillar offers, shown on its landing page: (label, url name or None, roles or None).
SERVICES: list[tuple] = []


def index(request):
    return render(request, "border_gate/index.html", {"services": SERVICES, "pillar_title": _("Cửa khẩu số")})
