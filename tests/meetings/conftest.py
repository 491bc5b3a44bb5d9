from tests.documents.conftest import clerk, commune, commune_clerk, commune_leader, dept, leader  # noqa: F401
