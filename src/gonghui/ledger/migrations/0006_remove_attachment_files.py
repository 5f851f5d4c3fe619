"""The attachments' files on disk, now kept in the database (0005), are removed."""

from django.db import migrations


def remove_files(apps, schema_editor):
    from gonghui.core.filemove import remove_media

    remove_media("ledger")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_attachment_stored_file")]

    operations = [migrations.RunPython(remove_files, migrations.RunPython.noop)]
