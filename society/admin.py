from django.contrib import admin

from society.models import (
    Gradebook,
    MarkChange,
    RecordTransfer,
    School,
    SchoolClass,
    SchoolStaff,
    SchoolYear,
    SigningJob,
    Student,
    Subject,
    TechTeam,
    TechTeamVisit,
    Transcript,
    TranscriptCopy,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "commune", "teachers", "on_platform_since"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["commune"]


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


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["start_year"]


@admin.register(SchoolStaff)
class SchoolStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "school"]
    raw_id_fields = ["user", "school"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "assessment", "order"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "year", "grade", "homeroom_teacher"]
    list_select_related = ["school", "year", "homeroom_teacher"]
    raw_id_fields = ["school", "homeroom_teacher"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "school", "date_of_birth"]
    search_fields = ["code", "full_name"]
    raw_id_fields = ["school", "user", "guardians"]


@admin.register(Gradebook)
class GradebookAdmin(admin.ModelAdmin):
    # Marks are entered and locks changed only through the gradebook pages (audited services).
    list_display = ["subject", "school_class", "term", "teacher", "status"]
    list_filter = ["status", "term"]
    readonly_fields = ["status", "locked_at"]
    raw_id_fields = ["school_class", "teacher"]


@admin.register(MarkChange)
class MarkChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "gradebook", "student", "component", "old_value", "new_value", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    # Changed only by the audited services (signing jobs, copies, transfers).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transcript)
class TranscriptAdmin(_ReadOnly):
    list_display = ["student", "school_class", "school", "status", "homeroom_signed_at", "principal_signed_at"]
    list_filter = ["status"]
    search_fields = ["student__code", "verification_code", "sha256"]


@admin.register(TranscriptCopy)
class TranscriptCopyAdmin(_ReadOnly):
    list_display = ["issued_at", "transcript", "channel", "issued_to", "to_school"]
    list_filter = ["channel"]


@admin.register(SigningJob)
class SigningJobAdmin(_ReadOnly):
    list_display = ["created_at", "kind", "school", "school_class", "status", "total", "failed"]
    list_filter = ["kind", "status"]


@admin.register(RecordTransfer)
class RecordTransferAdmin(_ReadOnly):
    list_display = ["sent_at", "student", "from_school", "to_school", "status"]
    list_filter = ["status"]
