from django.contrib import admin

from government.documents.models import Document, NumberCounter, Task


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    # Read-only: every change goes through the services (state machines, numbering, audit).
    list_display = ("number_symbol", "direction", "doc_type", "agency", "status", "created_at")
    list_filter = ("direction", "status", "doc_type")
    search_fields = ("number_symbol", "abstract")
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberCounter)
class NumberCounterAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "book", "last_number")
    readonly_fields = ("agency", "year", "book", "last_number")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "assignee", "deadline", "status", "progress")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Task._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
