"""Attachments move from files on disk (clear, under MEDIA_ROOT/ledger) into encrypted
``StoredFile`` rows; the disk copies are removed by the next migration, once this one has
committed."""

import django.db.models.deletion
from django.db import migrations, models


def move_to_database(apps, schema_editor):
    from gonghui.core.filemove import store_from_disk

    StoredFile = apps.get_model("core", "StoredFile")
    LedgerAttachment = apps.get_model("ledger", "LedgerAttachment")
    for attachment in LedgerAttachment.objects.all().iterator():
        stored = store_from_disk(
            StoredFile, attachment.file.name, attachment.name, attachment.uploaded_by_id
        )
        if stored is None:  # the file was lost before this version: the row says nothing true
            attachment.delete()
            continue
        attachment.stored = stored
        attachment.save(update_fields=["stored"])
    # The new rows' foreign keys are checked now, not at commit: PostgreSQL refuses to alter
    # a table with checks still pending, and the next operation alters it.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_stored_file"),
        ("ledger", "0004_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerattachment",
            name="stored",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storedfile",
                verbose_name="File",
            ),
        ),
        migrations.RunPython(move_to_database, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ledgerattachment", name="file"),
        migrations.AlterField(
            model_name="ledgerattachment",
            name="stored",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storedfile",
                verbose_name="File",
            ),
        ),
    ]
