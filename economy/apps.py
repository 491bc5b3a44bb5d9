from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Kinh tế số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.payments.providers import register_provider
        from economy.payment_provider import WalletProvider

        register_provider(WalletProvider)
