"""The starting taxonomy of ledger categories (ledger/taxonomy.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.ledger.taxonomy import CATEGORIES

    Category = apps.get_model("ledger", "LedgerCategory")  # noqa: N806
    for area, code, name, unit in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"work_area": area, "name": name, "unit": unit}
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
