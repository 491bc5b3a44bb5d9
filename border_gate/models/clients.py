"""What a machine client of the border gate may see (its binding to a crossing and organisation)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from border_gate.models.parties import Enterprise
from border_gate.models.reference import Crossing, Yard


class ClientBinding(models.Model):
    """What a machine client of the border gate may see: the client itself (its keys, services,
    rate limit and call log) is core's (core.api_clients.ApiClient, ADR 1603); this row binds it to
    one crossing and its organisation (border_gate.selectors.entries_for_client): an enterprise's
    system reads its own trucks only; a yard operator's reads the trucks at its yards and posts
    events for those yards only; the customs system reads the crossing and posts lanes."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Hệ thống của doanh nghiệp")
        YARD_OPERATOR = "yard_operator", _("Đơn vị vận hành bãi")
        CUSTOMS = "customs", _("Hệ thống hải quan")

    client = models.OneToOneField("api_clients.ApiClient", on_delete=models.PROTECT, related_name="border_gate_binding")
    kind = models.CharField(_("loại khóa"), max_length=20, choices=Kind.choices)
    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="client_bindings")
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_bindings",
        verbose_name=_("doanh nghiệp"),
    )
    yards = models.ManyToManyField(Yard, blank=True, related_name="client_bindings", verbose_name=_("bãi"))

    class Meta:
        verbose_name = _("phạm vi hệ thống kết nối")
        verbose_name_plural = _("phạm vi hệ thống kết nối")
        constraints = [
            # An enterprise's client names its enterprise, and only an enterprise's client does.
            models.CheckConstraint(
                condition=Q(kind="enterprise", enterprise__isnull=False) | (~Q(kind="enterprise") & Q(enterprise=None)),
                name="bg_binding_enterprise_iff_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.crossing_id}"
