"""Admin of the party agencies pillar for system administrators: reference-like data only. States
(issuing, reports) change through party.services; Party members are not in the admin at all (their
data is for the Party officials of their organisation, not for administrators)."""

from django.contrib import admin

from party.models import KeyTask, KeyTaskUpdate, OrganisationOfficer, PartyDocument, PartyOrganisation


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "symbol", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    # The tree path follows the parent (party.services.organisations), never typed.
    readonly_fields = ["path", "code", "parent", "level"]

    def has_add_permission(self, request):
        return False  # added by the reference loader or a committee's service


@admin.register(OrganisationOfficer)
class OrganisationOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(PartyDocument)
class PartyDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "title", "organisation", "issued_on", "status", "confidentiality"]
    list_filter = ["kind", "status", "confidentiality"]
    search_fields = ["number", "title"]
    # Numbered, signed and distributed only by party.services.documents.
    readonly_fields = [
        "number",
        "year",
        "sequence",
        "status",
        "issued_on",
        "issued_at",
        "signer",
        "signed_document",
        "organisation",
        "confidentiality",
        "created_by",
    ]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Confidential documents stay with their recipients, not in the administrators' lists.
        return super().get_queryset(request).exclude(confidentiality__in=["confidential", "secret"])


class KeyTaskUpdateInline(admin.TabularInline):
    model = KeyTaskUpdate
    extra = 0
    readonly_fields = ["reported_on", "progress", "status", "note", "reported_by", "agency"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # reports come from the owner agency only


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "owner", "deadline", "progress", "status"]
    list_filter = ["status", "document"]
    search_fields = ["code", "title"]
    # progress and status change only through party.services (reports, audited)
    readonly_fields = ["progress", "status", "completed_on", "last_reported_on"]
    inlines = [KeyTaskUpdateInline]
