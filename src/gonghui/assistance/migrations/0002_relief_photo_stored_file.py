"""Relief photos move from files on disk (clear, under MEDIA_ROOT/relief, served inline: the
stored XSS of issue 10) into encrypted ``StoredFile`` rows; the next migration removes the disk
copies and the orphans that failed saves left there."""

import django.db.models.deletion
from django.db import migrations, models


def move_to_database(apps, schema_editor):
    from gonghui.core.filemove import store_from_disk

    StoredFile = apps.get_model("core", "StoredFile")
    GroupRelief = apps.get_model("assistance", "GroupRelief")
    for relief in GroupRelief.objects.exclude(photo="").iterator():
        name = relief.photo.name.rsplit("/", 1)[-1]
        # Only pictures are kept: whatever else was uploaded as a "photo" is dropped.
        if name.rsplit(".", 1)[-1].lower() not in ("jpg", "jpeg", "png"):
            continue
        stored = store_from_disk(StoredFile, relief.photo.name, name)
        if stored is not None:
            relief.photo_file = stored
            relief.save(update_fields=["photo_file"])
    # The new rows' foreign keys are checked now, not at commit: PostgreSQL refuses to alter
    # a table with checks still pending, and the next operation alters it.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_stored_file"),
        ("assistance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="grouprelief",
            name="photo_file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.storedfile",
                verbose_name="Photo",
            ),
        ),
        migrations.RunPython(move_to_database, migrations.RunPython.noop),
        migrations.RemoveField(model_name="grouprelief", name="photo"),
        migrations.RenameField(model_name="grouprelief", old_name="photo_file", new_name="photo"),
    ]
