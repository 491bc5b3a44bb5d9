from django.contrib import admin

from core.indicators.models import (
    DtiAssessment,
    DtiEntry,
    DtiFramework,
    DtiNode,
    IndicatorSnapshot,
    IndicatorTarget,
    SnapshotRun,
)


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator_code", "year", "target_value", "baseline_year", "baseline_value", "source"]
    list_filter = ["year"]
    search_fields = ["indicator_code", "source"]

    def save_model(self, request, obj, form, change):
        # A target edited here belongs to the administrator: the reference loader will not overwrite it.
        obj.reference_version = ""
        super().save_model(request, obj, form, change)


@admin.register(SnapshotRun)
class SnapshotRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "frequency",
        "indicator_code",
        "period_end",
        "status",
        "completed_steps",
        "total_steps",
    ]
    list_filter = ["kind", "status", "frequency"]
    readonly_fields = [f.name for f in SnapshotRun._meta.fields]

    def has_add_permission(self, request):
        return False  # runs are created by beat or by the dashboard's refresh button, through services


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(admin.ModelAdmin):
    list_display = ["indicator_code", "commune_code", "period_end", "value", "provisional"]
    list_filter = ["provisional"]
    search_fields = ["indicator_code"]
    readonly_fields = [f.name for f in IndicatorSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written only by the snapshot job


class DtiNodeInline(admin.TabularInline):
    model = DtiNode
    fields = ["code", "kind", "name", "max_points", "formula", "full_score_at", "portal_indicator_code"]
    extra = 0


@admin.register(DtiFramework)
class DtiFrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "decision", "issued_on", "max_points", "is_current", "reference_version"]


@admin.register(DtiNode)
class DtiNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "pillar", "max_points", "formula", "portal_indicator_code"]
    list_filter = ["framework", "kind", "pillar"]
    search_fields = ["code", "name"]


@admin.register(DtiAssessment)
class DtiAssessmentAdmin(admin.ModelAdmin):
    list_display = ["framework", "year", "created_at"]


@admin.register(DtiEntry)
class DtiEntryAdmin(admin.ModelAdmin):
    list_display = ["assessment", "node", "value", "entered_by", "entered_at"]
    readonly_fields = [f.name for f in DtiEntry._meta.fields]

    def has_add_permission(self, request):
        return False  # entered through the DTI page (services.dti_entry_record), audited
