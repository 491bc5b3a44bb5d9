"""Pages of the province's subject list (Sở GD&ĐT and system administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import ServiceError, apply_to_form
from society.forms import SubjectForm
from society.models import Subject
from society.permissions import can_manage_subjects
from society.services import subjects as service


def _manager(request) -> None:
    if not can_manage_subjects(request.user):
        raise PermissionDenied


@login_required
def subject_list(request):
    _manager(request)
    return render(request, "society/subjects.html", {"subjects": Subject.objects.order_by("order", "name")})


@login_required
def subject_new(request):
    _manager(request)
    form = SubjectForm(request.POST or None, initial={"order": 0})
    if request.method == "POST" and form.is_valid():
        try:
            subject = service.subject_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã thêm môn %(name)s.") % {"name": subject.name})
            return redirect("society:subjects")
    return render(request, "society/subject_form.html", {"form": form, "subject": None})


@login_required
def subject_edit(request, pk: int):
    _manager(request)
    subject = get_object_or_404(Subject, pk=pk)
    initial = {"code": subject.code, "name": subject.name, "assessment": subject.assessment, "order": subject.order}
    form = SubjectForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            service.subject_update(actor=request.user, subject=subject, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu môn %(name)s.") % {"name": subject.name})
            return redirect("society:subjects")
    return render(request, "society/subject_form.html", {"form": form, "subject": subject})
