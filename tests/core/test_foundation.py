import pytest
from django.db import DatabaseError, transaction

from core.audit.models import AuditLog
from core.audit.services import audit_record
from core.geo.models import AdministrativeUnit as Unit


@pytest.mark.django_db
def test_reference_data_has_both_structures_and_the_mapping():
    assert Unit.objects.filter(structure="2025", level="commune").count() == 65
    assert Unit.objects.filter(structure="legacy", level="district").count() == 11
    legacy = Unit.objects.filter(structure="legacy", level="commune")
    assert legacy.count() == 194
    # every legacy commune was absorbed by at least one 2025 commune
    assert not legacy.filter(successors=None).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/government/", "/border-gate/", "/economy/", "/society/"])
def test_public_pages_answer_in_vietnamese(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted_even_with_raw_sql(citizen):
    row = audit_record(actor=citizen, action="core.test.happen", object_type="core.thing", object_id=1, after={"a": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(action="core.test.rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.get(pk=row.pk).action == "core.test.happen"
