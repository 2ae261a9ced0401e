"""Give every existing remittance line its own public id (a separate migration, so that
PostgreSQL commits the rows before the next one adds the unique index)."""

import uuid

from django.db import migrations


def fill(apps, schema_editor):
    RemittanceLine = apps.get_model("billing", "RemittanceLine")
    for line in RemittanceLine.objects.filter(public_id__isnull=True).only("pk").iterator():
        RemittanceLine.objects.filter(pk=line.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_remittance_line_public_id")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
