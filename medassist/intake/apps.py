from django.apps import AppConfig
from django.db.models.signals import post_save


def _seed_new_clinic(sender, instance, created, raw=False, **kwargs):
    """Every new clinic starts with the standard instruments and the starter visit intake."""
    if created and not raw:
        from medassist.intake.services.questionnaires import questionnaire_seed

        questionnaire_seed(clinic=instance)


class IntakeConfig(AppConfig):
    name = "medassist.intake"
    label = "intake"

    def ready(self) -> None:
        from medassist.practice.models import Clinic

        post_save.connect(_seed_new_clinic, sender=Clinic, dispatch_uid="intake.seed_clinic")
