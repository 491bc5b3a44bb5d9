"""django-axes integration.

allauth authenticates with `authenticate(request, email=..., password=...)`, so axes' default lookup
of the `login` form field in the credentials finds nothing and every attempt would count under an
empty username: five failures on any account would lock everyone behind that IP (a shared office or
a mobile carrier's NAT). This callable gives axes the email, normalised as accounts store it."""


def axes_username(request, credentials) -> str | None:
    for key in ("email", "login", "username"):
        value = (credentials or {}).get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and request.method == "POST":
        value = request.POST.get("login")
        if value:
            return value.strip().lower()
    return None
