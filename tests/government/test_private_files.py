"""Uploaded and generated files are never reachable by a guessable URL: random names on disk, no
URL serving MEDIA_ROOT (in development either), and the views that serve them check who asks."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from core.payments.services import payment_receipt_pdf
from government import services
from tests.government.conftest import BIRTH, HOUSEHOLD_BUSINESS, pay, submitted
from tests.government.test_services import _through_to_approval

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(citizen, commune_official, commune_leader):
    dossier = _through_to_approval(submitted(citizen, BIRTH), commune_official)
    services.dossier_approve(dossier=dossier, actor=commune_leader)
    return services.dossier_issue_result(dossier=dossier, actor=commune_official)


def test_another_citizen_gets_404_for_a_dossiers_files_and_result(client, login, completed, citizen, citizen2):
    record = completed.files.first()
    file_url = reverse("government:dossier-file", args=[completed.uid, record.pk])
    result_url = reverse("government:dossier-result", args=[completed.uid])
    login(citizen2)
    assert client.get(file_url).status_code == 404
    assert client.get(result_url).status_code == 404
    client.logout()
    assert client.get(result_url).status_code == 302  # to the sign-in page, not the file
    login(citizen)
    assert client.get(file_url).status_code == 200
    assert b"".join(client.get(result_url).streaming_content).startswith(b"%PDF-")


def test_stored_names_reveal_nothing(completed):
    signed = completed.result_document
    assert signed.verification_code not in signed.file.name and completed.code not in signed.file.name
    for record in completed.files.all():
        assert record.original_name not in record.file.name


def test_a_receipt_is_stored_under_a_random_name(citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    payment = pay(dossier)
    payment.refresh_from_db()
    payment_receipt_pdf(payment=payment)
    assert payment.receipt_file
    assert payment.receipt_number not in payment.receipt_file.name
    assert "bien-lai" not in payment.receipt_file.name


def test_no_url_serves_the_media_folder_even_in_development(client, completed):
    """Django's static() helper served MEDIA_ROOT under DEBUG: anyone with the path read the file."""
    import lang_son_portal.urls

    signed = completed.result_document
    try:
        with override_settings(DEBUG=True):
            importlib.reload(lang_son_portal.urls)
            clear_url_caches()
            assert client.get(f"/media/{signed.file.name}").status_code == 404
    finally:
        importlib.reload(lang_son_portal.urls)
        clear_url_caches()
