"""The one error convention of services and selectors (core.errors, ADRs 1001 and 1004): a refusal
reaches a form, a page and the API the same way whichever app raised it."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.errors import InvalidInputError, NotAllowedError, NotFoundError, ServiceError, apply_to_form


class _Form(forms.Form):
    yard = forms.CharField(required=False)


def test_a_field_refusal_is_a_service_error_and_djangos_validation_error_with_the_same_fields():
    error = InvalidInputError(errors={"yard": "Bãi đầy.", "goods-1-weight_kg": ["Số âm."]})
    assert isinstance(error, ServiceError) and isinstance(error, ValidationError)
    assert error.status_code == 400
    assert error.errors == error.message_dict == {"yard": ["Bãi đầy."], "goods-1-weight_kg": ["Số âm."]}
    assert error.as_dict() == {"yard": ["Bãi đầy."], "goods-1-weight_kg": ["Số âm."]}
    form = _Form({"yard": "B1"})
    assert form.is_valid()
    apply_to_form(form, error)
    # under its field when the form has it, at the top otherwise
    assert form.errors["yard"] == ["Bãi đầy."] and form.non_field_errors() == ["Số âm."]
    assert form.data["yard"] == "B1"  # what the person typed stays


def test_a_refusal_without_a_field_is_a_top_of_form_error():
    error = InvalidInputError("Trường này không sửa được.")
    assert error.as_dict() == error.message_dict == {"non_field_errors": ["Trường này không sửa được."]}
    form = _Form({})
    form.is_valid()
    apply_to_form(form, error)
    assert form.non_field_errors() == ["Trường này không sửa được."]


def test_a_refusal_for_lack_of_rights_is_a_403_everywhere():
    error = NotAllowedError("Không được phép.")
    assert isinstance(error, PermissionDenied) and error.status_code == 403


class _Row(forms.Form):
    weight_kg = forms.IntegerField(required=False)


_Rows = forms.formset_factory(_Row, extra=0)


def test_a_refusal_naming_a_row_goes_under_that_rows_field():
    rows = _Rows(
        {"goods-TOTAL_FORMS": "2", "goods-INITIAL_FORMS": "0", "goods-0-weight_kg": "5", "goods-1-weight_kg": "-1"},
        prefix="goods",
    )
    form = _Form({"yard": "B1"})
    assert rows.is_valid() and form.is_valid()
    error = InvalidInputError(
        errors={"goods-2-weight_kg": "Số âm.", "goods": "Khai ít nhất một dòng hàng.", "goods-9-weight_kg": "Dòng lạ."}
    )
    apply_to_form(form, error, rows={"goods": rows})
    # rows are numbered from 1, as on the page: the second row's weight, not the first's
    assert rows.forms[1].errors["weight_kg"] == ["Số âm."] and not rows.forms[0].errors
    # the rows as a whole, and a row that is not on the page, at the top of the form
    assert form.non_field_errors() == ["Khai ít nhất một dòng hàng.", "Dòng lạ."]


def test_not_found_is_never_a_form_error():
    form = _Form({})
    form.is_valid()
    with pytest.raises(NotFoundError):
        apply_to_form(form, NotFoundError())
    assert not form.errors
    assert NotFoundError.status_code == 404 and not isinstance(NotFoundError(), PermissionDenied)


@pytest.mark.django_db
def test_a_selector_not_finding_a_dossier_is_the_404_page(login, citizen, citizen2):
    from tests.government.conftest import submitted

    dossier = submitted(citizen2)
    response = login(citizen).get(reverse("government:dossier-detail", args=[dossier.uid]))
    # the site's 404 page (templates/errors/404.html through handler404), as with Http404
    assert response.status_code == 404 and "Mã lỗi: 404" in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_a_missing_object_with_drfs_own_404_body(client):
    # procedure_get raises NotFoundError; the body is the one DRF gives for Http404
    response = client.get("/api/v1/government/procedures/0.000000/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404 and response.json() == {"detail": "Không tìm thấy."}
    english = client.get("/api/v1/government/procedures/0.000000/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and english.json() == {"detail": "Not found."}
