"""Wallets linked to households, the head's citizen ID on the register, and the provider's code of
each e-payment account (what its monthly report of account use names rows by)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("economy", "0009_cash_out_reversed")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="head_citizen_id",
            field=models.CharField(blank=True, db_default="", max_length=12, verbose_name="số CCCD của chủ hộ"),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.CheckConstraint(
                condition=models.Q(("head_citizen_id", ""), ("head_citizen_id__regex", "^\\d{12}$"), _connector="OR"),
                name="economy_household_cccd",
            ),
        ),
        migrations.AddField(
            model_name="wallet",
            name="household",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wallets",
                to="economy.household",
                verbose_name="hộ gia đình",
            ),
        ),
        migrations.AddField(
            model_name="epaymentaccount",
            name="reference",
            field=models.CharField(default="", max_length=40, verbose_name="mã tài khoản của tổ chức cung ứng"),
            preserve_default=False,
        ),
        # Accounts recorded before providers reported by code get one derived from their id.
        migrations.RunSQL(
            "UPDATE economy_epaymentaccount SET reference = 'TK' || lpad(id::text, 8, '0') WHERE reference = ''",
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="epaymentaccount",
            constraint=models.UniqueConstraint(fields=("provider", "reference"), name="economy_account_unique_reference"),
        ),
    ]
