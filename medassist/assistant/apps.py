from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "medassist.assistant"
    label = "assistant"
