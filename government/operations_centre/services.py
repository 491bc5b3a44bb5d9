"""Writes of the operations centre: the DTI self-assessment (the snapshot job every pillar shares is
core.indicators.services). Keyword-only functions, one transaction each, audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ServiceError
from government.operations_centre.models import DtiAssessment, DtiEntry, DtiFramework, DtiNode


class DtiError(ServiceError):
    pass


def dti_assessment_get_or_create(*, year: int, framework: DtiFramework | None = None, actor=None) -> DtiAssessment:
    framework = framework or DtiFramework.objects.filter(is_current=True).first()
    if framework is None:
        raise DtiError(_("Chưa có bộ chỉ số DTI đang áp dụng."))
    with transaction.atomic():
        assessment, created = DtiAssessment.objects.get_or_create(framework=framework, year=year)
        if created:
            audit_record(actor=actor, action="indicators.dti_assessment.create", obj=assessment, after={"year": year})
    return assessment


def dti_entry_record(
    *,
    assessment: DtiAssessment,
    node: DtiNode,
    value: float,
    note: str,
    actor,
    evidence_file=None,
    evidence_url: str = "",
) -> DtiEntry:
    """Record a manually assessed value for a sub-indicator, with evidence (a file or a URL, and a note
    citing the document). The newest entry counts; earlier ones stay as history. Raises DtiError
    when the node is not a sub-indicator of the assessment's framework or the value is out of range."""
    if node.framework_id != assessment.framework_id or node.kind != DtiNode.Kind.SUB:
        raise DtiError(_("Không phải chỉ số thành phần của bộ chỉ số này."))
    if value < 0:
        raise DtiError(errors={"value": [_("Giá trị không được âm.")]})
    if node.formula in (DtiNode.Formula.BOOLEAN, DtiNode.Formula.TIERED) and value > 1:
        raise DtiError(errors={"value": [_("Chỉ số có/không hoặc theo mức nhận giá trị từ 0 đến 1.")]})
    if not evidence_file and not evidence_url:
        raise DtiError(errors={"evidence_file": [_("Cần tệp minh chứng hoặc đường dẫn minh chứng.")]})
    with transaction.atomic():
        previous = DtiEntry.objects.filter(assessment=assessment, node=node).order_by("-entered_at", "-id").first()
        entry = DtiEntry(
            assessment=assessment,
            node=node,
            value=value,
            note=note,
            evidence_url=evidence_url,
            entered_by=actor,
        )
        if evidence_file:
            entry.evidence_file.save(evidence_file.name, evidence_file, save=False)
        entry.save()
        audit_record(
            actor=actor,
            action="indicators.dti_entry.record",
            obj=entry,
            before={"value": previous.value} if previous else None,
            after={
                "year": assessment.year,
                "node": node.code,
                "value": value,
                "evidence_url": evidence_url,
                "evidence_file": entry.evidence_file.name if entry.evidence_file else "",
            },
        )
    return entry


def dti_value_enter(
    *,
    year: int,
    node: DtiNode,
    value: float,
    note: str,
    actor,
    evidence_file=None,
    evidence_url: str = "",
) -> DtiEntry:
    """An official enters a value for `year`: the year's assessment is opened if it is the first value
    (audited), and the entry recorded, in one transaction (a refused value opens nothing). Raises
    DtiError with field errors."""
    with transaction.atomic():
        assessment = dti_assessment_get_or_create(year=year, framework=node.framework, actor=actor)
        return dti_entry_record(
            assessment=assessment,
            node=node,
            value=value,
            note=note,
            actor=actor,
            evidence_file=evidence_file,
            evidence_url=evidence_url,
        )
