"""The one error convention of services (core.errors, ADR 1001): a refusal reaches a form and the API
the same way whichever service raised it."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import InvalidInputError, NotAllowedError, ServiceError, apply_to_form


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
