import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("vi", "Đăng ký khai sinh", "Birth registration"), ("en", "Birth registration", "Đăng ký khai sinh")],
)
def test_procedure_names_follow_the_reader_language(client, language, shown, hidden):
    client.cookies["portal_language"] = language
    page = client.get(reverse("government:procedure-detail", kwargs={"code": "1.001193"})).content.decode()
    assert shown in page
    assert f"<h1>{hidden}" not in page
