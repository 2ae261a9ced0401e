"""Every sentence the assistant says to a patient: reviewed templates in English and Spanish,
filled only with data from services (dates, names of the clinic's providers and locations,
the clinic's own information text). No generated text reaches a patient.

A template changes only with review: `tests/assistant/test_templates.py` checks that both
languages have the same placeholders and that no template gives advice."""

from __future__ import annotations

from string import Formatter

TEMPLATES: dict[str, dict[str, str]] = {
    "emergency": {
        "en": (
            "This may be an emergency. Call 911 now or go to the nearest emergency room. "
            "Do not wait for a reply here. We have alerted our staff."
        ),
        "es": (
            "Esto puede ser una emergencia. Llame al 911 ahora o vaya a la sala de emergencias "
            "más cercana. No espere una respuesta aquí. Hemos avisado a nuestro personal."
        ),
    },
    "emergency_crisis": {
        "en": (
            "You matter, and help is available right now. If you are in danger or thinking of "
            "hurting yourself, call or text 988 (Suicide & Crisis Lifeline) or call 911 now. "
            "We have alerted our staff."
        ),
        "es": (
            "Usted es importante y hay ayuda ahora mismo. Si está en peligro o piensa hacerse "
            "daño, llame o envíe un texto al 988 (Línea de Crisis y Suicidio) o llame al 911 "
            "ahora. Hemos avisado a nuestro personal."
        ),
    },
    "clinical": {
        "en": (
            "I can't give medical advice, so I can't answer that. I can send your question to "
            "your care team, who will get back to you, or book you a visit. Reply YES to send "
            "it to your care team, or BOOK to find a visit."
        ),
        "es": (
            "No puedo dar consejos médicos, así que no puedo responder eso. Puedo enviar su "
            "pregunta a su equipo de atención, que le responderá, o hacerle una cita. Responda "
            "SÍ para enviarla a su equipo de atención, o CITA para buscar una cita."
        ),
    },
    "clinical_sent": {
        "en": "I sent your question to your care team. They will get back to you.",
        "es": "Envié su pregunta a su equipo de atención. Le responderán.",
    },
    "clinical_declined": {
        "en": "All right, I won't send it. Is there anything else I can help with?",
        "es": "Está bien, no la enviaré. ¿Hay algo más en lo que pueda ayudarle?",
    },
    "greeting": {
        "en": (
            "Hello, this is the {clinic} assistant. I can book, move, cancel or confirm a "
            "visit, take a refill request or a message for your care team, and tell you our "
            "hours and locations. I can't give medical advice. How can I help?"
        ),
        "es": (
            "Hola, soy el asistente de {clinic}. Puedo hacer, cambiar, cancelar o confirmar "
            "una cita, tomar una solicitud de resurtido o un mensaje para su equipo de "
            "atención, y darle nuestro horario y direcciones. No puedo dar consejos médicos. "
            "¿En qué le puedo ayudar?"
        ),
    },
    "thanks": {
        "en": "You're welcome. Is there anything else I can help with?",
        "es": "De nada. ¿Hay algo más en lo que pueda ayudarle?",
    },
    "not_understood": {
        "en": (
            "Sorry, I didn't understand. You can ask me to book, move, cancel or confirm a "
            "visit, request a refill, leave a message for your care team, or say PERSON."
        ),
        "es": (
            "Perdón, no entendí. Puede pedirme hacer, cambiar, cancelar o confirmar una cita, "
            "pedir un resurtido, dejar un mensaje para su equipo de atención, o decir PERSONA."
        ),
    },
    "handoff": {
        "en": (
            "I've asked a member of our staff to contact you. You can also call us at "
            "{phone}."
        ),
        "es": (
            "Le pedí a un miembro de nuestro personal que le contacte. También puede "
            "llamarnos al {phone}."
        ),
    },
    "ask_name": {
        "en": "First I need to confirm who you are. What is the patient's first and last name?",
        "es": "Primero necesito confirmar quién es. ¿Cuál es el nombre y apellido del paciente?",
    },
    "ask_dob": {
        "en": "Thank you. What is the patient's date of birth (for example 03/14/1980)?",
        "es": "Gracias. ¿Cuál es la fecha de nacimiento del paciente (por ejemplo 14/03/1980)?",
    },
    "dob_unclear": {
        "en": "I couldn't read that date. Please give the date of birth like 03/14/1980.",
        "es": "No pude leer esa fecha. Escriba la fecha de nacimiento así: 14/03/1980.",
    },
    "verify_failed": {
        "en": (
            "I couldn't confirm those details. Let's try again: what is the patient's first "
            "and last name?"
        ),
        "es": (
            "No pude confirmar esos datos. Intentemos otra vez: ¿cuál es el nombre y apellido "
            "del paciente?"
        ),
    },
    "locked": {
        "en": (
            "I couldn't confirm those details, so I can't continue here. Our staff will help "
            "you: please call us at {phone}."
        ),
        "es": (
            "No pude confirmar esos datos, así que no puedo continuar aquí. Nuestro personal "
            "le ayudará: llámenos al {phone}."
        ),
    },
    "verified": {
        "en": "Thank you, {first_name}, you're confirmed.",
        "es": "Gracias, {first_name}, ya confirmamos sus datos.",
    },
    "slots": {
        "en": "I can offer: {options}. Reply with the number you'd like, or NO for other times.",
        "es": "Puedo ofrecerle: {options}. Responda con el número que prefiera, o NO para otros horarios.",  # noqa: E501
    },
    "no_slots": {
        "en": (
            "I couldn't find an open time for that. Try another day or time of day, or say "
            "PERSON and our staff will help."
        ),
        "es": (
            "No encontré un horario disponible. Pruebe otro día u otra hora, o diga PERSONA y "
            "nuestro personal le ayudará."
        ),
    },
    "pick_slot": {
        "en": "Please reply with the number of a time ({numbers}), or NO for other times.",
        "es": "Responda con el número de un horario ({numbers}), o NO para otros horarios.",
    },
    "booked": {
        "en": "You're booked: {when} with {provider} at {location}.",
        "es": "Su cita quedó hecha: {when} con {provider} en {location}.",
    },
    "moved": {
        "en": "Your visit is moved to {when} with {provider} at {location}.",
        "es": "Su cita se cambió a {when} con {provider} en {location}.",
    },
    "slot_gone": {
        "en": "Sorry, that time was just taken. Would you like other times? Reply BOOK.",
        "es": "Lo siento, ese horario se acaba de ocupar. ¿Quiere otros horarios? Responda CITA.",
    },
    "cannot_book_online": {
        "en": (
            "I can't book that visit here. I've asked our staff to call you to book it, or call "
            "us at {phone}."
        ),
        "es": (
            "No puedo hacer esa cita aquí. Le pedí a nuestro personal que le llame para "
            "hacerla, o llámenos al {phone}."
        ),
    },
    "no_visit": {
        "en": "I don't see an upcoming visit for you. Would you like to book one? Reply BOOK.",
        "es": "No veo una cita próxima para usted. ¿Quiere hacer una? Responda CITA.",
    },
    "next_visit": {
        "en": "Your next visit is {when} with {provider} at {location}.",
        "es": "Su próxima cita es {when} con {provider} en {location}.",
    },
    "cancel_ask": {
        "en": "Cancel your visit {when} with {provider}? Reply YES to cancel or NO to keep it.",
        "es": "¿Cancelar su cita {when} con {provider}? Responda SÍ para cancelar o NO para mantenerla.",  # noqa: E501
    },
    "cancelled": {
        "en": "Your visit {when} is cancelled. Reply BOOK any time to find a new one.",
        "es": "Su cita {when} quedó cancelada. Responda CITA cuando quiera una nueva.",
    },
    "kept": {
        "en": "All right, your visit stays as it is.",
        "es": "Está bien, su cita se mantiene.",
    },
    "refill_taken": {
        "en": (
            "I've sent your refill request for {medication} ({pharmacy}) to the care team. "
            "The prescriber decides on it; we'll let you know."
        ),
        "es": (
            "Envié su solicitud de resurtido de {medication} ({pharmacy}) al equipo de "
            "atención. El médico decide; le avisaremos."
        ),
    },
    "refill_which": {
        "en": "Which medicine do you need refilled, and at which pharmacy?",
        "es": "¿Qué medicamento necesita resurtir, y en qué farmacia?",
    },
    "message_ask": {
        "en": "What message would you like me to pass to your care team?",
        "es": "¿Qué mensaje quiere que le pase a su equipo de atención?",
    },
    "message_taken": {
        "en": "I've passed your message to your care team.",
        "es": "Le pasé su mensaje a su equipo de atención.",
    },
    "balance_callback": {
        "en": (
            "I can't show balances here yet. I've asked our front desk to call you about your "
            "account."
        ),
        "es": (
            "Todavía no puedo mostrar saldos aquí. Le pedí a la recepción que le llame sobre su "
            "cuenta."
        ),
    },
    "results_callback": {
        "en": (
            "I can't see results here. I've asked the care team to let you know when your "
            "results are ready. I can't say what results mean; your clinician will."
        ),
        "es": (
            "No puedo ver resultados aquí. Le pedí al equipo de atención que le avise cuando "
            "estén listos. No puedo decir qué significan; su médico se lo dirá."
        ),
    },
    "info": {
        "en": "{info}",
        "es": "{info}",
    },
    "info_missing": {
        "en": "I don't have that information here. Please call us at {phone}.",
        "es": "No tengo esa información aquí. Llámenos al {phone}.",
    },
    "too_long": {
        "en": "That message is too long for me. Please send a shorter one, or say PERSON.",
        "es": "Ese mensaje es demasiado largo. Envíe uno más corto, o diga PERSONA.",
    },
    "empty": {
        "en": "I didn't get a message. How can I help?",
        "es": "No recibí un mensaje. ¿En qué le puedo ayudar?",
    },
    "closed": {
        "en": "This conversation is with our staff now. Please call us at {phone}.",
        "es": "Esta conversación está ahora con nuestro personal. Llámenos al {phone}.",
    },
    "anything_else": {
        "en": "Is there anything else I can help with?",
        "es": "¿Hay algo más en lo que pueda ayudarle?",
    },
}

INFO_LABELS = {
    "hours": {"en": "Hours", "es": "Horario"},
    "locations": {"en": "Locations", "es": "Direcciones"},
    "parking": {"en": "Parking", "es": "Estacionamiento"},
    "insurance": {"en": "Insurance", "es": "Seguros"},
    "what_to_bring": {"en": "What to bring", "es": "Qué traer"},
    "preparation": {"en": "Before your visit", "es": "Antes de su cita"},
    "directions": {"en": "Directions", "es": "Cómo llegar"},
    "phone": {"en": "Phone", "es": "Teléfono"},
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def render(key: str, language: str = "en", **data) -> str:
    """The reviewed template `key` in the language, filled with `data` (service values)."""
    lang = language if language in ("en", "es") else "en"
    template = TEMPLATES[key][lang]
    missing = placeholders(template) - set(data)
    if missing:
        raise KeyError(f"template {key!r} needs {sorted(missing)}")
    return template.format(**{k: str(v) for k, v in data.items()})
