"""Admin: the catalogue and calendar are reference data (editable for corrections between file
versions); dossiers are read-only here — they move only through the services (state machine)."""

from django.contrib import admin

from government.models import CalendarOverride, Dossier, DossierEvent, Procedure, ProcedureDocument


class ProcedureDocumentInline(admin.TabularInline):
    model = ProcedureDocument
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "topic", "level", "scope", "agency", "processing_days", "fee_base", "is_active"]
    list_filter = ["topic", "level", "scope", "is_active"]
    search_fields = ["code", "name"]
    inlines = [ProcedureDocumentInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "confidence"]
    list_filter = ["kind"]
    date_hierarchy = "date"


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "verb", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "procedure", "agency", "status", "channel", "received_at", "due_date", "finished_at"]
    list_filter = ["status", "channel", "procedure__topic"]
    search_fields = ["code", "applicant_name"]
    date_hierarchy = "received_at"
    inlines = [DossierEventInline]
    list_select_related = ["procedure", "agency"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
