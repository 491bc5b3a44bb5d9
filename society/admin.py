from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from society.models import (
    AssessmentChange,
    Broadcast,
    BroadcastDelivery,
    BroadcastTemplate,
    Conduct,
    Gradebook,
    HomeroomBook,
    HouseholdVisit,
    LoudspeakerSlots,
    MarkChange,
    PrimaryAward,
    PrimaryQuality,
    RecordTransfer,
    School,
    SchoolClass,
    SchoolStaff,
    SchoolYear,
    SigningJob,
    Student,
    Subject,
    TechTeam,
    TechTeamMember,
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


# --- Read-only: these change only through the audited services and their pages ---------------------


@admin.register(PrimaryAward)
class PrimaryAwardAdmin(_ReadOnly):
    # The principal's page (society:class-awards) checks the title against the year's result and
    # freezes it once the transcript is signed; an edit here would bypass both.
    list_display = ["enrollment", "title", "other", "decided_by", "decided_at"]
    list_filter = ["title"]
    list_select_related = ["enrollment__student", "enrollment__school_class", "decided_by"]
    search_fields = ["enrollment__student__code", "enrollment__student__full_name"]


@admin.register(LoudspeakerSlots)
class LoudspeakerSlotsAdmin(_ReadOnly):
    # Set by the commune's officials (society:loudspeaker-slots): a change moves the commune's
    # pending items and is audited, which a save here would not do.
    list_display = ["commune", "slot_list", "updated_by", "updated_at"]
    list_select_related = ["commune", "updated_by"]
    search_fields = ["commune__name"]

    @admin.display(description=_("giờ phát"))
    def slot_list(self, obj):
        return ", ".join(t.strftime("%H:%M") for t in obj.times)


@admin.register(PrimaryQuality)
class PrimaryQualityAdmin(_ReadOnly):
    list_display = ["enrollment", "period", "item", "level", "remark", "updated_by", "updated_at"]
    list_filter = ["period", "item", "level"]
    list_select_related = ["enrollment__student", "enrollment__school_class", "updated_by"]


@admin.register(Conduct)
class ConductAdmin(_ReadOnly):
    list_display = ["enrollment", "period", "level", "remark", "updated_by", "updated_at"]
    list_filter = ["period", "level"]
    list_select_related = ["enrollment__student", "enrollment__school_class", "updated_by"]


@admin.register(HomeroomBook)
class HomeroomBookAdmin(_ReadOnly):
    list_display = ["school_class", "period", "status", "locked_at"]
    list_filter = ["status", "period"]
    list_select_related = ["school_class"]


@admin.register(AssessmentChange)
class AssessmentChangeAdmin(_ReadOnly):
    list_display = ["changed_at", "school_class", "enrollment", "period", "item", "field", "old_value", "new_value"]
    list_filter = ["field", "period"]
    list_select_related = ["school_class", "enrollment__student", "changed_by"]


@admin.register(Broadcast)
class BroadcastAdmin(_ReadOnly):
    # Written, submitted and approved on the broadcast pages (leader approval, audited).
    list_display = ["created_at", "title", "status", "group", "created_by", "decided_by"]
    list_filter = ["status", "group"]
    search_fields = ["title"]


@admin.register(BroadcastDelivery)
class BroadcastDeliveryAdmin(_ReadOnly):
    list_display = ["broadcast", "channel", "address", "status", "attempts", "scheduled_for", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["broadcast"]
    search_fields = ["address", "provider_id"]


class BroadcastTemplateForm(forms.ModelForm):
    class Meta:
        model = BroadcastTemplate
        fields = ["name", "body"]

    def clean_body(self):
        from society.services.broadcasts import check_template

        body = self.cleaned_data["body"]
        try:
            check_template(body)
        except ServiceError as exc:
            raise forms.ValidationError([str(m) for m in exc.errors.get("body", [exc.message])]) from None
        return body


@admin.register(BroadcastTemplate)
class BroadcastTemplateAdmin(admin.ModelAdmin):
    # Reference text officials start from: editable here, with the placeholders checked as on the
    # broadcast form ({ho_ten}, {xa}, {ngay}).
    form = BroadcastTemplateForm
    list_display = ["name"]
    search_fields = ["name", "body"]


@admin.register(TechTeamMember)
class TechTeamMemberAdmin(_ReadOnly):
    list_display = ["user", "team", "is_leader", "is_active"]
    list_filter = ["is_leader", "is_active"]
    list_select_related = ["user", "team"]


@admin.register(HouseholdVisit)
class HouseholdVisitAdmin(_ReadOnly):
    list_display = ["visited_on", "team", "household", "outcome", "member"]
    list_filter = ["outcome"]
    list_select_related = ["team", "member"]
