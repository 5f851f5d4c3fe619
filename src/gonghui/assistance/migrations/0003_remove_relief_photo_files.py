"""The relief photos on disk, now kept in the database (0002), are removed."""

from django.db import migrations


def remove_files(apps, schema_editor):
    from gonghui.core.filemove import remove_media

    remove_media("relief")


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_relief_photo_stored_file")]

    operations = [migrations.RunPython(remove_files, migrations.RunPython.noop)]
