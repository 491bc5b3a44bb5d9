"""The search's GIN index without a pending list (fastupdate off, the pending entries merged now) and
the newest-first index per book (ADR 1601, docs/benchmarks.md)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_newest_index"),
    ]

    operations = [
        # ALTER INDEX keeps the index (no rebuild of a province's books); the state says the same thing.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        "ALTER INDEX documents_search_gin SET (fastupdate = off)",
                        "SELECT gin_clean_pending_list('documents_search_gin'::regclass)",
                    ],
                    reverse_sql=["ALTER INDEX documents_search_gin RESET (fastupdate)"],
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="document", name="documents_search_gin"),
                migrations.AddIndex(
                    model_name="document",
                    index=GinIndex(fields=["search_vector"], name="documents_search_gin", fastupdate=False),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["direction", "-created_at", "-id"], name="documents_dir_newest_idx"),
        ),
    ]
