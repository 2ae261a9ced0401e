"""Every clinic that exists already gets the standard instruments (PHQ-2, PHQ-9, GAD-7, AUDIT-C,
CDC STEADI) and the starter visit intake; new clinics get them on creation (intake/apps.py)."""

import uuid

from django.db import migrations


def seed(apps, schema_editor):
    from medassist.intake import instruments, starter

    Clinic = apps.get_model("practice", "Clinic")
    Questionnaire = apps.get_model("intake", "Questionnaire")
    for clinic in Clinic.objects.all():
        have = set(Questionnaire.objects.filter(clinic=clinic).values_list("name", flat=True))
        rows = [
            Questionnaire(
                public_id=uuid.uuid4(),
                clinic=clinic,
                name=i.key,
                title=i.title,
                description=i.description,
                instrument=i.key,
                code=i.code,
                items=i.items,
            )
            for i in instruments.INSTRUMENTS.values()
            if i.key not in have
        ]
        if starter.KEY not in have:
            rows.append(
                Questionnaire(
                    public_id=uuid.uuid4(),
                    clinic=clinic,
                    name=starter.KEY,
                    title=starter.TITLE,
                    items=starter.ITEMS,
                )
            )
        Questionnaire.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_questionnaire_questionnaireresponse_intakealert_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
