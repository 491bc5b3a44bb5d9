"""Administration: reference data (crossings, yards, pipelines, the fee tariff) is editable here;
entries are read-only (they change only through the pipeline's services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from border_gate import models, services


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


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = models.ApiKey
        fields = ["organisation", "kind", "enterprise", "yards", "crossing", "scopes", "is_active"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            # The same binding rule as keys created by the service.
            try:
                services.api_key_check(
                    kind=data["kind"],
                    crossing=data["crossing"],
                    scopes=data.get("scopes") or [],
                    enterprise=data.get("enterprise"),
                    yards=data.get("yards") or [],
                )
            except ValidationError as e:
                for field, messages_ in e.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages_)
        return data


@admin.register(models.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["organisation", "kind", "crossing", "prefix", "scopes", "is_active", "last_used_at"]
    list_filter = ["kind", "crossing", "is_active"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = [
        "organisation",
        "kind",
        "enterprise",
        "yards",
        "crossing",
        "scopes",
        "is_active",
        "prefix",
        "created_at",
        "last_used_at",
    ]
    filter_horizontal = ["yards"]
    autocomplete_fields = ["enterprise"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # New keys go through the service: the secret is generated, hashed, and shown once.
        key, raw = services.api_key_create(
            actor=request.user,
            organisation=obj.organisation,
            crossing=obj.crossing,
            scopes=obj.scopes,
            kind=obj.kind,
            enterprise=obj.enterprise,
            yards=form.cleaned_data.get("yards") or [],
        )
        obj.pk = key.pk
        obj.prefix = key.prefix
        obj.key_hash = key.key_hash
        obj._state.adding = False
        messages.warning(request, _("Khóa API (chỉ hiển thị một lần, hãy lưu lại ngay): %(key)s") % {"key": raw})

    @admin.action(description=_("Thu hồi khóa đã chọn"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(actor=request.user, key=key)


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
