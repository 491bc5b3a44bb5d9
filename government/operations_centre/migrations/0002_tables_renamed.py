"""The tables taken over in 0001 get the operations centre's names, and the models' content types
(admin permissions, generic links) follow them, so nothing points at the old app label (ADR 1002)."""

from django.db import migrations

MODELS = ["indicatortarget", "dtiframework", "dtinode", "dtiassessment", "dtientry"]


def move_content_types(apps, schema_editor, old="indicators", new="operations_centre"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="operations_centre", new="indicators")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("operations_centre", "0001_initial"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="dtientry",
            new_name="operations__assessm_37c00a_idx",
            old_name="indicators__assessm_85bb6e_idx",
        ),
        migrations.AlterModelTable(name="dtiassessment", table=None),
        migrations.AlterModelTable(name="dtientry", table=None),
        migrations.AlterModelTable(name="dtiframework", table=None),
        migrations.AlterModelTable(name="dtinode", table=None),
        migrations.AlterModelTable(name="indicatortarget", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
