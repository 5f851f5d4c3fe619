# The figure store's subtree totals, and cells up to a day (today, a year before) besides month
# ends: a cell's ``month`` (its first day) becomes ``end`` (the last day it counts). Cells made
# by the month form are dropped; the store's format version makes the worker count them again.

import django.db.models.deletion
from django.db import migrations, models

import gonghui.core.county


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0008_county"),
        ("reports", "0005_figure_marks_index"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM reports_figurecell", migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="figurecell", name="figure_cell_once"),
        migrations.RemoveIndex(model_name="figurecell", name="figure_cell_county"),
        migrations.RenameField(model_name="figurecell", old_name="month", new_name="end"),
        migrations.AlterField(
            model_name="figurecell",
            name="end",
            field=models.DateField(verbose_name="Up to"),
        ),
        migrations.AddConstraint(
            model_name="figurecell",
            constraint=models.UniqueConstraint(
                fields=("key", "org", "end"), name="figure_cell_once_per_end"
            ),
        ),
        migrations.AddField(
            model_name="figurespan",
            name="days",
            field=models.JSONField(default=list),
        ),
        migrations.CreateModel(
            name="FigureTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=120, verbose_name="Indicator")),
                ("end", models.DateField(verbose_name="Up to")),
                (
                    "value",
                    models.DecimalField(decimal_places=2, max_digits=20, verbose_name="Value"),
                ),
                (
                    "county",
                    gonghui.core.county.CountyField(
                        on_delete=django.db.models.deletion.DO_NOTHING, to="orgs.org"
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="Organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "Precomputed subtree figure",
                "verbose_name_plural": "Precomputed subtree figures",
                "constraints": [
                    models.UniqueConstraint(fields=("org", "key", "end"), name="figure_total_once")
                ],
            },
        ),
    ]
