"""Targets and the DTI self-assessment move to the operations centre (government.operations_centre,
ADR 1002). State only: the tables stay, and that app's migration 0001 takes them over as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='dtiassessment',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='dtientry',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='dtientry',
                    name='entered_by',
                ),
                migrations.RemoveField(
                    model_name='dtientry',
                    name='node',
                ),
                migrations.RemoveField(
                    model_name='dtinode',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='dtinode',
                    name='parent',
                ),
                migrations.DeleteModel(
                    name='IndicatorTarget',
                ),
                migrations.DeleteModel(
                    name='DtiAssessment',
                ),
                migrations.DeleteModel(
                    name='DtiEntry',
                ),
                migrations.DeleteModel(
                    name='DtiFramework',
                ),
                migrations.DeleteModel(
                    name='DtiNode',
                ),
            ],
            database_operations=[],
        ),
    ]
