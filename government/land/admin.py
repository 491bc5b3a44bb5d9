"""Admin for the land reference data and a read-only view of parcels. Geometry is not edited here
(GeoDjango's map widget transforms in Python, which does not know the custom VN-2000 SRID): edits
go through the named, audited `services.parcel_edit`. Owners are not registered: their only reader
is the audited owner search."""

from django.contrib import admin

from government.land.models import ErrorReport, LandUseCode, Parcel, PlanZone, PriceZone, SplitRule


@admin.register(LandUseCode)
class LandUseCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "is_active"]
    list_filter = ["group", "is_active"]


@admin.register(SplitRule)
class SplitRuleAdmin(admin.ModelAdmin):
    list_display = ["land_use", "unit_kind", "min_area_m2"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Parcel)
class ParcelAdmin(_ReadOnly):
    list_display = ["code", "commune", "sheet", "number", "land_use", "area_m2", "version"]
    search_fields = ["code"]
    exclude = ["geom"]
    list_select_related = ["commune", "land_use"]
    show_full_result_count = False  # 2.3 M rows: no COUNT(*) per page


@admin.register(PlanZone)
class PlanZoneAdmin(_ReadOnly):
    list_display = ["code", "planned_use", "plan_period"]
    exclude = ["geom"]


@admin.register(PriceZone)
class PriceZoneAdmin(_ReadOnly):
    list_display = ["code", "land_use", "position", "price_per_m2"]
    exclude = ["geom"]


@admin.register(ErrorReport)
class ErrorReportAdmin(_ReadOnly):
    list_display = ["parcel", "field", "status", "created_at"]
    list_filter = ["status"]
    fields = ["parcel", "field", "status", "created_at", "answered_at"]
    readonly_fields = fields
