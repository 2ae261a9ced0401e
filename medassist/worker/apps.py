from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "medassist.worker"
    label = "worker"
