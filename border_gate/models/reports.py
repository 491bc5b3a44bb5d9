"""The daily report of the Border Gate Economic Zone Management Board."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyReport(models.Model):
    """The 20:00 report of the Border Gate Economic Zone Management Board, kept per day."""

    date = models.DateField(_("ngày"), unique=True)
    data = models.JSONField()
    generated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("báo cáo ngày")
        verbose_name_plural = _("báo cáo ngày")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}"
