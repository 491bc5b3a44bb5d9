from django.contrib import admin
from django.db import models

from core.audit.models import AuditLog
from core.audit.services import audit_record

# Never copied into the audit log, whatever the form calls them.
_SECRET_FIELD_MARKERS = ("password", "secret", "key_hash", "token")


def _plain(value):
    """A form value as JSON: model instances and querysets by their text, files by name."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | set | frozenset):  # unordered: sorted, to compare
        return sorted(str(_plain(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "read"):  # an uploaded file
        return value.name
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _form_changes(form) -> tuple[dict, dict]:
    """(before, after) of the fields the form changed, secrets left out."""
    before, after = {}, {}
    for name in form.changed_data:
        if any(marker in name for marker in _SECRET_FIELD_MARKERS):
            continue
        before[name] = _plain(form.initial.get(name))
        after[name] = _plain(form.cleaned_data.get(name))
    return before, after


class AuditedAdminMixin:
    """Every change made through the Django admin writes an audit row (`admin.add`, `admin.change`,
    `admin.delete`) with the fields changed, their old and new values, and inline rows the same way,
    inside the admin's own transaction. AuditConfig.ready() mixes this into every ModelAdmin
    registered on the site, the portal's and the libraries' alike, so a new registration cannot
    forget it (tests/core/test_admin_audit.py checks the registry)."""

    def save_model(self, request, obj, form, change):
        if form is not None and hasattr(form, "changed_data"):
            obj._portal_audit_changes = _form_changes(form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        changed = {
            f.instance.pk: _form_changes(f)
            for f in formset.forms
            if f.instance.pk is not None and f.has_changed() and f not in formset.deleted_forms
        }
        deleted = [(f.instance, str(f.instance), f.instance.pk) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            after = _form_changes(next(f for f in formset.forms if f.instance is obj))[1]
            audit_record(actor=request.user, action="admin.add", obj=obj, after=after)
        for obj, _fields in getattr(formset, "changed_objects", []):
            before, after = changed.get(obj.pk, ({}, {}))
            audit_record(actor=request.user, action="admin.change", obj=obj, before=before, after=after)
        for obj, text, pk in deleted:
            audit_record(
                actor=request.user,
                action="admin.delete",
                object_type=obj._meta.label_lower,
                object_id=pk,
                before={"object": text},
            )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _before, after = getattr(obj, "_portal_audit_changes", ({}, {}))
        audit_record(actor=request.user, action="admin.add", obj=obj, after=after)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        before, after = getattr(obj, "_portal_audit_changes", ({}, {}))
        # The admin's own summary names what changed in inlines too ("Changed amount for fee rate …").
        summary = entry.get_change_message() if hasattr(entry, "get_change_message") else ""
        audit_record(
            actor=request.user, action="admin.change", obj=obj, before=before, after={**after, "admin_message": summary}
        )
        return entry

    def log_deletions(self, request, queryset):
        result = super().log_deletions(request, queryset)
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", obj=obj, before={"object": str(obj)})
        return result


def audit_every_model_admin(site: admin.AdminSite) -> None:
    """Mix AuditedAdminMixin into every ModelAdmin registered on `site` (once, at start-up)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        cls = type(model_admin)
        audited = type(cls.__name__, (AuditedAdminMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = audited(model, site)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only, like the table itself (a trigger refuses UPDATE and DELETE)."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "object_repr", "agency")
    list_filter = ("object_type",)
    search_fields = ("action", "object_id", "actor_label", "request_id")
    date_hierarchy = "at"
    list_select_related = ("agency",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]
    show_full_result_count = False  # the log grows large: no COUNT(*) on every page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
