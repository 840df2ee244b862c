"""Note tags move to a table keyed by the (note, tag) pair, rows copied over.

Django cannot alter a many-to-many field to one with a `through` model, so the field is
removed (dropping the old table, after the copy) and added again over the new table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("features", "0001_initial"),
        ("inbox", "0004_note_partial_submitter_processed_by_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteTag",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "note_id",
                        "tag_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="inbox.note",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="features.tag",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["tag", "note"], name="notetag_tag_note")],
            },
        ),
        migrations.RunSQL(
            "INSERT INTO inbox_notetag (note_id, tag_id) "
            "SELECT note_id, tag_id FROM inbox_note_tags",
            "INSERT INTO inbox_note_tags (note_id, tag_id) "
            "SELECT note_id, tag_id FROM inbox_notetag",
        ),
        migrations.RemoveField(model_name="note", name="tags"),
        migrations.AddField(
            model_name="note",
            name="tags",
            field=models.ManyToManyField(
                blank=True, related_name="notes", through="inbox.NoteTag", to="features.tag"
            ),
        ),
    ]
