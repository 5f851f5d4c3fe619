"""Ledger entries say how their figures are known (exact, 余, 以上, 近), carry a sub-type,
further figures and placings; categories carry their wording in reports and their sub-types
(seeded from ledger/taxonomy.py)."""

import django.db.models.expressions
from django.db import migrations, models


def forwards(apps, schema_editor):
    from gonghui.ledger.taxonomy import SUBTYPES, WORDING

    Entry = apps.get_model("ledger", "LedgerEntry")
    Entry.objects.filter(is_estimate=True).update(approximation="at_least")
    Category = apps.get_model("ledger", "LedgerCategory")
    for category in Category.objects.all():
        category.wording = WORDING.get(category.code, {})
        category.subtypes = SUBTYPES.get(category.code, [])
        category.save(update_fields=["wording", "subtypes"])
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # before the table is altered


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_remove_attachment_files")]

    operations = [
        migrations.AddField(
            model_name="ledgercategory",
            name="subtypes",
            field=models.JSONField(blank=True, default=list, verbose_name="Sub-types"),
        ),
        migrations.AddField(
            model_name="ledgercategory",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="Updated"),
        ),
        migrations.AddField(
            model_name="ledgercategory",
            name="wording",
            field=models.JSONField(blank=True, default=dict, verbose_name="Wording in reports"),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="approximation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Exact"),
                    ("at_least", "At least (余: 500余人次)"),
                    ("or_more", "Or more (以上: 5家以上)"),
                    ("nearly", "Nearly (近: 近万人)"),
                ],
                default="",
                help_text="When the counts are not exact, reports write them with 余, 以上 or 近.",
                max_length=10,
                verbose_name="The figures are",
            ),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="extra",
            field=models.JSONField(blank=True, default=dict, verbose_name="Further figures"),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="placings",
            field=models.JSONField(blank=True, default=list, verbose_name="Placings"),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="subtype",
            field=models.CharField(blank=True, max_length=40, verbose_name="Sub-type"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ledgerentry", name="is_estimate"),
        migrations.AddField(
            model_name="ledgerentry",
            name="is_estimate",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.Q(("approximation", "at_least")),
                output_field=models.BooleanField(verbose_name="Counts are estimates (at least)"),
            ),
        ),
    ]
