from django.contrib import admin

from economy.models import CommuneHouseholds, DigitalShop, EpaymentAccount, SoftAtmAgent


@admin.register(CommuneHouseholds)
class CommuneHouseholdsAdmin(admin.ModelAdmin):
    list_display = ["commune", "year", "households", "source"]
    list_filter = ["year"]
    search_fields = ["commune__name"]


@admin.register(DigitalShop)
class DigitalShopAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "platform", "registered_on", "status"]
    list_filter = ["platform", "status"]
    search_fields = ["name", "products"]
    list_select_related = ["commune"]
    # status moves only through economy.services (audited)
    readonly_fields = ["status", "closed_on"]


@admin.register(EpaymentAccount)
class EpaymentAccountAdmin(admin.ModelAdmin):
    list_display = ["commune", "kind", "provider", "opened_on", "closed_on"]
    list_filter = ["kind"]
    list_select_related = ["commune"]


@admin.register(SoftAtmAgent)
class SoftAtmAgentAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "bank", "opened_on", "status"]
    list_filter = ["bank", "status"]
    search_fields = ["name", "address"]
    readonly_fields = ["status", "closed_on"]
