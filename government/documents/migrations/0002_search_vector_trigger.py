"""The full-text search vector of a document, kept by a trigger (ADR 1601).

Why a trigger and not a generated column: unaccent() is not IMMUTABLE, so PostgreSQL refuses it in a
generated column; the usual workaround (an IMMUTABLE wrapper) lies to the planner about a dictionary
that can change. The trigger recomputes the vector on every insert and update, whatever the writer
(services, bulk_create, COPY, admin). Configuration 'simple': no stemming — Vietnamese words are
syllables, and numbers and symbols must match as typed. Weights: A number/symbol, B abstract,
C issuing body and handling unit.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION documents_document_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', unaccent(lower(
      coalesce(NEW.number_symbol, '') || ' ' ||
      regexp_replace(coalesce(NEW.number_symbol, ''), '[/\-.]', ' ', 'g')))), 'A') ||
    setweight(to_tsvector('simple', unaccent(lower(coalesce(NEW.abstract, '')))), 'B') ||
    setweight(to_tsvector('simple', unaccent(lower(
      coalesce(NEW.issuing_body, '') || ' ' || coalesce(NEW.handling_unit, '')))), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_document_search_vector_trg
  BEFORE INSERT OR UPDATE ON documents_document
  FOR EACH ROW EXECUTE FUNCTION documents_document_search_vector();

UPDATE documents_document SET search_vector = NULL;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS documents_document_search_vector_trg ON documents_document;
DROP FUNCTION IF EXISTS documents_document_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
