from django.contrib import admin

from core.indicators.models import IndicatorSnapshot, SnapshotRun


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
