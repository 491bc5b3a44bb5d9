"""Report forms and their indicators are reference data (reference/forms.v1.json); reports change
only through the services (submit, accept, return), so the admin shows them read-only."""

from django.contrib import admin

from government.reporting.models import ProvinceAggregate, Report, ReportForm, ReportIndicator, ReportPeriod


class ReportIndicatorInline(admin.TabularInline):
    model = ReportIndicator
    extra = 0


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "frequency", "submitters", "owner_agency", "is_active")
    inlines = [ReportIndicatorInline]


@admin.register(ReportPeriod)
class ReportPeriodAdmin(admin.ModelAdmin):
    list_display = ("form", "year", "number", "deadline", "locked_at", "reopened_until")
    list_filter = ("form",)
    readonly_fields = ("locked_at", "reopened_until")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("period", "agency", "status", "submitted_at", "on_time")
    list_filter = ("status", "period__form")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProvinceAggregate)
class ProvinceAggregateAdmin(admin.ModelAdmin):
    list_display = ("period", "reports_accepted", "reports_expected", "computed_at")
    readonly_fields = ("period", "values", "reports_accepted", "reports_expected", "computed_at")
