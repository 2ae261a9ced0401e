"""An optional understanding backend: any OpenAI-compatible chat-completions endpoint (a local
llama.cpp or vLLM server, or a hosted one) asked for structured JSON — intent and entities —
and nothing else. What it returns is checked: an unknown intent or malformed answer counts as
no answer (the local classifier is used), and the safety layer checks the patient's message and
the backend's answer exactly as it checks its own reading. No backend text reaches a patient.

Configured with MEDASSIST_ASSISTANT_BACKEND_URL (e.g. http://127.0.0.1:8080/v1), _MODEL and
_KEY (settings or environment); unset: no backend."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from medassist.assistant.understand import INTENTS

SYSTEM = (
    "You classify one message a patient sent to a medical clinic. Answer with one JSON object "
    'only: {"intent": one of ' + ", ".join(INTENTS) + ', "entities": {"medication_text": '
    'string or "", "pharmacy_text": string or "", "provider_text": string or "", "when_text": '
    'string or ""}}. Never answer the patient.'
)
MAX_RESPONSE = 20_000


@dataclass
class OpenAICompatible:
    base_url: str
    model: str = "default"
    api_key: str = ""
    timeout: float = 5.0
    name: str = "openai-compatible"

    def understand(self, text: str) -> tuple[str, dict] | None:
        """(intent, entities) from the endpoint, or None when it fails or answers badly."""
        body = json.dumps(
            {
                "model": self.model,
                "temperature": 0,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": text[:4000]},
                ],
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator's configured URL
            self.base_url.rstrip("/") + "/chat/completions",
            data=body,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(MAX_RESPONSE + 1)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            return None
        return parse_answer(raw)


def parse_answer(raw: bytes) -> tuple[str, dict] | None:
    if len(raw) > MAX_RESPONSE:
        return None
    try:
        data = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
        answer = json.loads(content) if isinstance(content, str) else content
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(answer, dict):
        return None
    intent = answer.get("intent")
    entities = answer.get("entities") or {}
    if intent not in INTENTS or not isinstance(entities, dict):
        return None
    clean = {k: v[:200] for k, v in entities.items() if isinstance(k, str) and isinstance(v, str)}
    return intent, clean


def configured() -> OpenAICompatible | None:
    def get(name: str) -> str:
        return str(getattr(settings, name, "") or os.environ.get(name, ""))

    url = get("MEDASSIST_ASSISTANT_BACKEND_URL")
    if not url:
        return None
    return OpenAICompatible(
        base_url=url,
        model=get("MEDASSIST_ASSISTANT_BACKEND_MODEL") or "default",
        api_key=get("MEDASSIST_ASSISTANT_BACKEND_KEY"),
    )
