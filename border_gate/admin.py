"""Administration: reference data (crossings, yards, pipelines, the fee tariff) is editable here;
entries are read-only (they change only through the pipeline's services)."""

from django.contrib import admin

from border_gate import models


class YardInline(admin.TabularInline):
    model = models.Yard
    extra = 0


class StepInline(admin.TabularInline):
    model = models.StepDefinition
    extra = 0
    ordering = ["direction", "position"]


@admin.register(models.Crossing)
class CrossingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "hourly_capacity", "random_inspection_share", "is_active"]
    inlines = [YardInline, StepInline]


@admin.register(models.Yard)
class YardAdmin(admin.ModelAdmin):
    list_display = ["name", "crossing", "capacity", "confidence", "is_active"]
    list_filter = ["crossing", "confidence"]


@admin.register(models.StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    list_display = ["crossing", "direction", "position", "name", "force", "condition", "data_kind", "is_active"]
    list_filter = ["crossing", "direction", "force"]


class RateInline(admin.TabularInline):
    model = models.FeeRate
    extra = 0


class MultiplierInline(admin.TabularInline):
    model = models.FeeMultiplier
    extra = 0


@admin.register(models.FeeTariff)
class FeeTariffAdmin(admin.ModelAdmin):
    list_display = ["code", "effective_from", "effective_to"]
    inlines = [MultiplierInline]


@admin.register(models.FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ["tariff", "regime", "goods_group", "vehicle_class", "amount_vnd", "confidence"]
    list_filter = ["tariff", "regime", "goods_group", "confidence"]
    list_editable = ["amount_vnd", "confidence"]


@admin.register(models.FeeVehicleClass)
class FeeVehicleClassAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "min_weight_kg", "max_weight_kg", "container_size_ft", "position"]


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_code", "is_verified", "created_at"]
    list_filter = ["is_verified"]
    search_fields = ["name", "tax_code"]


@admin.register(models.Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["code", "crossing", "direction", "status", "vehicle", "created_at"]
    list_filter = ["crossing", "direction", "status"]
    search_fields = ["code", "vehicle__plate"]
    readonly_fields = [f.name for f in models.Entry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ["date", "generated_at"]
    readonly_fields = ["date", "data", "generated_at"]
