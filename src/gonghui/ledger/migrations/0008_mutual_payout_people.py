"""Mutual-aid payouts are said of the people paid (为120名职工发放互助金17万元) when the entry
counts people, and of person-times otherwise. A category whose wording was changed by its
federation is left as it is."""

from django.db import migrations

BEFORE = {"say": [["为{person_times}职工发放互助金{amount}", "办理互助保障理赔{person_times}"]]}
AFTER = {
    "units": {"people": "名"},
    "say": [
        [
            "为{people}职工发放互助金{amount}",
            "为{person_times}职工发放互助金{amount}",
            "办理互助保障理赔{person_times}",
        ]
    ],
}


def forwards(apps, schema_editor):
    Category = apps.get_model("ledger", "LedgerCategory")
    Category.objects.filter(code="mutual.payout", wording=BEFORE).update(wording=AFTER)


def backwards(apps, schema_editor):
    Category = apps.get_model("ledger", "LedgerCategory")
    Category.objects.filter(code="mutual.payout", wording=AFTER).update(wording=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_figures_and_approximation")]

    operations = [migrations.RunPython(forwards, backwards)]
