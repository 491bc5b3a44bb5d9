from django.contrib import admin

from society.models import School, TechTeam, TechTeamVisit, TranscriptTally


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "commune", "teachers", "on_platform_since"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["commune"]


@admin.register(TranscriptTally)
class TranscriptTallyAdmin(admin.ModelAdmin):
    list_display = ["school", "school_year", "students", "signed", "updated_on"]
    list_filter = ["school_year"]
    list_select_related = ["school"]


@admin.register(TechTeam)
class TechTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "village", "members", "established_on", "is_active"]
    search_fields = ["name", "village"]
    list_select_related = ["commune"]


@admin.register(TechTeamVisit)
class TechTeamVisitAdmin(admin.ModelAdmin):
    list_display = ["team", "visited_on", "topic", "households_reached"]
    list_filter = ["topic"]
    readonly_fields = ["recorded_by", "created_at"]
