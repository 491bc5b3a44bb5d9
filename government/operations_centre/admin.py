from django.contrib import admin

from government.operations_centre.models import DtiAssessment, DtiEntry, DtiFramework, DtiNode, IndicatorTarget


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator_code", "year", "target_value", "baseline_year", "baseline_value", "source"]
    list_filter = ["year"]
    search_fields = ["indicator_code", "source"]

    def save_model(self, request, obj, form, change):
        # A target edited here belongs to the administrator: the reference loader will not overwrite it.
        obj.reference_version = ""
        super().save_model(request, obj, form, change)


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
        return False  # entered through the DTI page (government.operations_centre.services.dti_entry_record), audited
