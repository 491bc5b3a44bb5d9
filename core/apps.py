from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Lõi dùng chung")

    def ready(self):
        # Pillars register with core (indicators, demo generators, payment purposes) the way
        # Django's admin autodiscovers admin.py: core never imports a pillar by name.
        autodiscover_modules("indicators", "demo", "payment_purposes", "home_panels")
