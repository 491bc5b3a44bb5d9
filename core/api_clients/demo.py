"""Demo machine clients (`seed_demo`): the demo officials of the Department of Science and
Technology (which runs LGSP) and of a crossing's gate board administer their agency's clients, and
one LGSP client reads the province's data. Its key is printed once, for local use. Idempotent."""

from core.demo import register


@register("api_clients", order=85)
def generate(*, scale, log):
    from django.contrib.auth.models import Permission

    from core.api_clients import services
    from core.api_clients.models import ApiClient
    from core.users.models import User

    permission = Permission.objects.get(codename="manage_api_clients")
    admins = User.objects.filter(email__endswith="@demo.langson.vn", agency__isnull=False).filter(
        agency__code="so-khcn"
    ) | User.objects.filter(email__endswith="@demo.langson.vn", agency__force="gate_board")
    for user in admins:
        user.user_permissions.add(permission)
    dost = User.objects.filter(email__endswith="@demo.langson.vn", agency__code="so-khcn").first()
    if dost is None or ApiClient.objects.filter(kind="lgsp", organisation="Bộ Nội vụ").exists():
        return
    _client, raw = services.client_create(
        actor=dost,
        name="Hệ thống thông tin báo cáo quốc gia",
        organisation="Bộ Nội vụ",
        kind="lgsp",
        services=["core.admin_units", "core.statistics", "government.dossier_status"],
        owner_agency=dost.agency,
        all_units=True,
        check_actor=False,
    )
    log(f"demo LGSP client key (shown once): {raw}")
