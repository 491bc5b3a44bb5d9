from django.contrib import admin

from party.models import KeyTask, KeyTaskUpdate, PartyDocument


@admin.register(PartyDocument)
class PartyDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "title", "issued_on", "is_digital"]
    list_filter = ["kind", "is_digital"]
    search_fields = ["number", "title"]


class KeyTaskUpdateInline(admin.TabularInline):
    model = KeyTaskUpdate
    extra = 0
    readonly_fields = ["reported_on", "progress", "status", "note", "reported_by"]
    can_delete = False


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "owner", "deadline", "progress", "status"]
    list_filter = ["status", "document"]
    search_fields = ["code", "title"]
    # progress and status change only through party.services (reports, audited)
    readonly_fields = ["progress", "status", "completed_on"]
    inlines = [KeyTaskUpdateInline]
