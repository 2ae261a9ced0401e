# ruff: noqa: E501 - rule tables: one readable rule a line
"""Understanding one patient message: the intent (a scikit-learn classifier trained at first use
from `data/train.jsonl`, in the repository; no network, no downloaded model), the entities
(dates and times with `dateparser` in the clinic's zone, providers of the clinic, medicines,
pharmacy) and the decision: answer, route to the care team, or emergency.

The safety layer (`safety.check`) runs first and its verdict always wins: the classifier can only
make a decision more cautious (route or escalate), never less."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from medassist.assistant import lexicon, safety

DATA = Path(__file__).parent / "data"
TRAIN_FILE = DATA / "train.jsonl"

INTENTS = (
    "book",
    "reschedule",
    "cancel",
    "confirm",
    "refill",
    "message_care_team",
    "clinic_info",
    "billing",
    "results_status",
    "human_handoff",
    "clinical_question",
    "emergency",
    "greeting_other",
)
OPERATIONAL = frozenset(INTENTS) - {"clinical_question", "emergency"}
# operational intents whose requests often name a medicine or a complaint (a refill, a visit
# "about my knee"): a medical word alone does not make them clinical
TOLERANT = frozenset(
    {"book", "reschedule", "cancel", "confirm", "refill", "results_status", "message_care_team"}
)

SURE = 0.45  # below this the classifier is unsure of an operational intent
CLINICAL_SHARE = 0.30  # clinical + emergency probability at which a message is routed
EMERGENCY_SHARE = 0.8  # emergency probability at which the classifier alone escalates
CLINICAL_ALONE = 0.6  # clinical probability that routes a message with no health words


class Decision(StrEnum):
    ANSWER = "answer"  # an operational request the assistant does
    ROUTE = "route"  # a clinical question: no answer, offered to the care team
    EMERGENCY = "emergency"  # the emergency template at once, staff alerted


@dataclass
class Understanding:
    text: str
    intent: str
    confidence: float
    decision: Decision
    safety: safety.Finding
    operational_intent: str = ""  # in a mixed message, the operational part's intent
    entities: dict = field(default_factory=dict)
    reason: str = ""  # why this decision, in plain words for staff and the eval
    backend: str = ""  # "" (local classifier) or the backend's name

    def as_dict(self) -> dict:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "decision": str(self.decision),
            "operational_intent": self.operational_intent,
            "safety": {
                "verdict": str(self.safety.verdict),
                "category": self.safety.category,
                "matched": self.safety.matched,
            },
            "entities": _jsonable(self.entities),
            "reason": self.reason,
            "backend": self.backend,
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    return value


# --- the classifier -------------------------------------------------------------------------


@dataclass
class Model:
    pipeline: object
    classes: tuple[str, ...]
    trained_in: float  # seconds
    examples: int
    fast: FastScorer | None = None


class FastScorer:
    """The trained pipeline's own arithmetic for one message, without scikit-learn's per-call
    input checks (four fifths of a turn's time): each TF-IDF part's analyzer, vocabulary, idf
    and l2 norm, then the logistic regression's softmax. `train` checks it gives the
    pipeline's probabilities on every training line before it is used."""

    def __init__(self, pipeline) -> None:
        import numpy as np

        union = pipeline.named_steps["features"]
        clf = pipeline.named_steps["clf"]
        self.parts = []
        offset = 0
        for _, vec in union.transformer_list:
            if vec.norm != "l2" or not vec.use_idf or vec.binary:
                raise ValueError("FastScorer handles l2-normalized TF-IDF only")
            self.parts.append((vec.build_analyzer(), vec.vocabulary_, vec.idf_,
                               vec.sublinear_tf, offset))
            offset += len(vec.vocabulary_)
        self.coef_t = np.ascontiguousarray(clf.coef_.T)  # features x classes
        self.intercept = clf.intercept_
        if len(clf.classes_) < 3:
            raise ValueError("FastScorer handles a multinomial (3+ class) regression only")
        self.np = np

    def proba(self, text: str):
        np = self.np
        scores = self.intercept.copy()
        for analyzer, vocabulary, idf, sublinear, offset in self.parts:
            counts: dict[int, int] = {}
            for token in analyzer(text):
                j = vocabulary.get(token)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if sublinear:
                tf = np.log(tf) + 1.0
            values = tf * idf[index]
            values /= np.sqrt(np.dot(values, values))
            scores += values @ self.coef_t[index + offset]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()


_lock = threading.Lock()


def load_examples(path: Path = TRAIN_FILE) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("intent") not in INTENTS or not isinstance(row.get("message"), str):
                raise ValueError(f"{path.name} line {number}: needs a message and a known intent")
            rows.append((row["message"], row["intent"]))
    return rows


def train(path: Path = TRAIN_FILE) -> Model:
    """TF-IDF on words (1-2) and characters (2-5, robust to typos) into a logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    started = time.perf_counter()
    rows = load_examples(path)
    texts = [safety.normalize(m) for m, _ in rows]
    labels = [i for _, i in rows]
    pipeline = Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                        (
                            "chars",
                            TfidfVectorizer(
                                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True
                            ),
                        ),
                    ]
                ),
            ),
            ("clf", LogisticRegression(C=12.0, max_iter=3000, class_weight="balanced")),
        ]
    )
    pipeline.fit(texts, labels)
    classes = tuple(pipeline.classes_)
    return Model(pipeline, classes, time.perf_counter() - started, len(rows),
                 _checked_fast(pipeline, texts))


def _checked_fast(pipeline, texts: list[str]) -> FastScorer | None:
    """The fast scorer, if it reproduces the pipeline's probabilities (else None: the
    pipeline itself is used)."""
    import numpy as np

    try:
        fast = FastScorer(pipeline)
    except (ValueError, AttributeError, KeyError):
        return None
    sample = [*texts, "", "zzzz qqqq", "book me next tuesday"]
    expected = pipeline.predict_proba(sample)
    got = np.array([fast.proba(t) for t in sample])
    return fast if np.allclose(got, expected, rtol=0, atol=1e-9) else None


@lru_cache(maxsize=1)
def model() -> Model:
    """The classifier, trained once per process at first use (about a second)."""
    with _lock:
        return train()


def classify(norm: str) -> dict[str, float]:
    """Probability of each intent for a normalized message."""
    m = model()
    fast = m.fast
    probs = (
        fast.proba(norm) if fast is not None
        else m.pipeline.predict_proba([norm])[0]  # type: ignore[attr-defined]
    )
    return dict(zip(m.classes, (float(p) for p in probs), strict=True))


def _top(probs: dict[str, float], among=None) -> tuple[str, float]:
    items = [(k, v) for k, v in probs.items() if among is None or k in among]
    return max(items, key=lambda kv: kv[1])


# --- entities -------------------------------------------------------------------------------

WEEKDAYS_ES = {
    "lunes": "monday",
    "martes": "tuesday",
    "miercoles": "wednesday",
    "jueves": "thursday",
    "viernes": "friday",
    "sabado": "saturday",
    "domingo": "sunday",
    "manana": "tomorrow",
    "hoy": "today",
    "proximo": "next",
    "proxima": "next",
    "semana": "week",
}
DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"  # noqa: E501
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
DATE_PHRASE = re.compile(
    r"\b(?:(?:next|this|coming)\s+)?" + DAY + r"\b"
    r"|\b(?:today|tomorrow|day after tomorrow)\b"
    r"|\b(?:next|this|coming) (?:week|month)\b"
    r"|\bin (?:a|one|two|three|four|\d+) (?:days?|weeks?|months?)\b"
    r"|\b" + MONTH + r" \d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? of " + MONTH + r"\b"
    r"|\bthe \d{1,2}(?:st|nd|rd|th)\b(?: of (?:next|this) month)?"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
)
TIME_AT = re.compile(
    r"\b(after|before|at|around|by|from|no earlier than|no later than|a las|despues de las|"
    r"antes de las)\s+"
    r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
)
PART_OF_DAY = {
    "morning": (dtime(7, 0), dtime(12, 0)),
    "afternoon": (dtime(12, 0), dtime(17, 0)),
    "evening": (dtime(17, 0), dtime(21, 0)),
    "lunchtime": (dtime(11, 30), dtime(13, 30)),
    "noon": (dtime(11, 30), dtime(13, 0)),
    "manana temprano": (dtime(7, 0), dtime(12, 0)),
    "tarde": (dtime(12, 0), dtime(18, 0)),
}
EARLIEST = re.compile(r"\b(?:earliest|soonest|first available|asap|as soon as possible|lo antes posible|primera cita)\b")  # noqa: E501
PHARMACY = re.compile(
    r"\b((?:the )?(?:cvs|walgreens|rite aid|walmart|costco|kroger|safeway|publix|target|"
    r"heb|wegmans|meijer|albertsons|sam's club)(?: pharmacy)?(?: (?:on|at|in|by) [\w .]{2,30}?)?)"
    r"(?=$|[,.;!?]| and | please| instead| for | to )"
)


def _hour(h: int, minute: int, ampm: str | None) -> dtime | None:
    if ampm and ampm.startswith("p") and h < 12:
        h += 12
    elif ampm and ampm.startswith("a") and h == 12:
        h = 0
    elif not ampm and 1 <= h <= 6:
        h += 12  # "after 3": a clinic means the afternoon
    if not (0 <= h <= 23 and 0 <= minute <= 59):
        return None
    return dtime(h, minute)


def parse_when(norm: str, *, now: datetime) -> dict:
    """Dates and times in a normalized message, in the zone of `now` (the clinic's): a date,
    a time window (after/before/part of day), and whether the patient wants the earliest."""
    import dateparser

    text = " ".join(WEEKDAYS_ES.get(w, w) for w in norm.split())
    out: dict = {}
    found = DATE_PHRASE.search(text)
    if found:
        phrase = found.group(0)
        phrase = re.sub(r"^(?:this|coming) ", "", phrase)
        parsed = dateparser.parse(
            phrase,
            languages=["en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": now.replace(tzinfo=None),
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
        if parsed is not None:
            day = parsed.date()
            if day < now.date():
                day = day.replace(year=day.year + 1)
            out["date"] = day
            out["date_text"] = phrase
            if re.search(r"\b(?:next|this) (?:week|month)\b|\bin \S+ (?:weeks?|months?)\b", phrase):
                out["date_is_start"] = True  # from that day on, not only that day
    for part, window in PART_OF_DAY.items():
        if re.search(rf"\b{part}\b", text):
            out["after"], out["before"] = window
            break
    for m in TIME_AT.finditer(text):
        word, hh, mm, ampm = m.group(1), int(m.group(2)), int(m.group(3) or 0), m.group(4)
        at = _hour(hh, mm, ampm)
        if at is None:
            continue
        if word in {"after", "from", "no earlier than", "despues de las"}:
            out["after"] = at
        elif word in {"before", "by", "no later than", "antes de las"}:
            out["before"] = at
        else:
            out["at"] = at
    if EARLIEST.search(text):
        out["earliest"] = True
    return out


def find_provider(norm: str, providers) -> object | None:
    """The clinic provider a message names ("Dr. Lee", "doctor lee", "lee"), typos allowed."""
    from rapidfuzz.distance import OSA

    words = re.findall(r"[a-z]+", norm)
    best = None
    for provider in providers:
        last = (getattr(provider, "last_name", "") or str(provider).split()[-1]).lower()
        last = safety._strip_accents(last)
        if not last:
            continue
        for i, word in enumerate(words):
            near = word == last or (len(last) >= 5 and OSA.distance(word, last) <= 1)
            after_title = i > 0 and words[i - 1] in {"doctor", "dr", "with", "see", "doctora"}
            if near and (after_title or len(last) >= 4):
                return provider
            if near and best is None:
                best = provider
    return best


def extract(
    text: str, *, norm: str | None = None, now: datetime | None = None, providers=()
) -> dict:
    norm = norm if norm is not None else safety.normalize(text)
    now = now or datetime.now(ZoneInfo("UTC"))
    entities: dict = parse_when(norm, now=now)
    meds = lexicon.medicines_in(norm)
    if meds:
        entities["medications"] = list(meds)
    ph = PHARMACY.search(norm)
    if ph:
        entities["pharmacy"] = ph.group(1).strip()
    if providers:
        found = find_provider(norm, providers)
        if found is not None:
            entities["provider_id"] = found.pk  # type: ignore[attr-defined]
            entities["provider"] = str(found)
    return entities


# --- what makes a request recognizably operational -------------------------------------------
# An operational answer needs the classifier's intent AND one of that intent's anchor words: a
# message that names none of them is not recognizably a request the assistant can do, and is
# routed to a person when it is a question or talks about health.

ANCHORS = {
    "book": r"appointment|appt|apt|book|seeing|booking|schedule|see (?:the|a|an|dr|doctor|someone|somebody|anyone)|visit|opening|openings|slot|slots|availab\w+|come in|get in|fit me|physical|check ?up|exam|seen|cita|citas|agendar|consulta|earliest|soonest|first available",
    "reschedule": r"reschedul\w*|move|moved|change|switch|swap|push|later|earlier|different (?:day|time)|instead|rebook|postpone|rearrange|shift|bump|cambiar|mover|another day|otro dia",
    "cancel": r"cancel\w*|can't make|won't (?:make|be able)|not coming|call off|remove|drop|take (?:me|my name) off|scratch|no longer need|cancelar|cancele|no voy|x",
    "confirm": r"confirm\w*|appointment|appt|visit|what day|be there|coming|see you|yes|yep|yeah|y|c|sure|when is my|what time is my|still on|booked|scheduled|next (?:visit|appointment)|si|confirmo|cita|estare|ahi",
    "refill": r"refill\w*|refil|renew\w*|prescription|script|rx|ran out|run out|running (?:low|out)|out of|almost out|pharmacy|receta|resurtir|resurtido|more of|supply|authoriz\w+|medicina|send .{0,40} to|se me acabo",
    "message_care_team": r"message|call me|call back|return my call|tell|let .{0,30} know|pass|note|voicemail|reach|contact|forward|recado|mensaje|llame|dile|nurse|care team",
    "clinic_info": r"hours?|open|opening|close|closed|address|located|location|where|parking|park|insurance|insurances|accept|take|bring|phone|number|fax|directions|holiday|holidays|new patients|walk ?ins?|spanish|interpreters?|wheelchair|entrance|floor|bus|prep|arrive|early|how long|lab on site|pharmacy|building|horario|donde|queda|aceptan|seguro|estacionamiento|traer|llevar|abren|cierran|ubicad\w+|habla",
    "billing": r"bills?|billed|billing|balance|owe|pay|paid|payment|charge|charged|statement|copay|co-pay|cost|price|receipt|insurance|invoice|deductible|hsa|fsa|factura|debo|pagar|cuanto|overcharged|apple pay|credit card|card|cash|discount",
    "results_status": r"results?|back|came in|come in|ready|report|labs?|lab work|test|tests|biopsy|xray|mri|scan|bloodwork|blood work|culture|mammogram|resultados|analisis|listos?|llegaron|word on|update",
    "human_handoff": r"person|human|someone|somebody|representative|agent|operator|receptionist|front desk|staff|manager|real|0|persona|alguien|hablar|transfer|connect|speak|talk",
}
_ANCHOR = {k: re.compile(r"\b(?:" + v + r")(?:s|es)?\b") for k, v in ANCHORS.items()}
_ANCHOR_WORDS = {
    k: frozenset(w for w in re.findall(r"[a-z]{5,}", v) if w.isalpha()) for k, v in ANCHORS.items()
}
SMALL_TALK = re.compile(
    r"^(?:(?:hi|hello|hey|hola|yo|good (?:morning|afternoon|evening|night)|buen[oa]s? \w+|thanks?|"
    r"thank you|gracias|bye|adios|okay|ok|cool|great|perfect|sure|sorry|oops|test\w*)\b.{0,40}$|"
    r".{0,30}\b(?:who (?:is this|are you|am i talking)|are you (?:a )?(?:bot|robot|real|human|person)|"
    r"what can (?:you|i) (?:do|help|ask)|how are you|wrong number|never ?mind|that'?s all|"
    r"that'?s everything)\b.{0,30})$"
)
QUESTION = re.compile(
    r"\?|^(?:what|how|why|is|are|can|could|do|does|did|should|would|will|who|which|where|when|"
    r"que|como|por que|es|puedo|debo)\b"
)


def anchored(intent: str, norm: str) -> bool:
    """Whether the message names something the intent is about (see ANCHORS)."""
    if intent == "greeting_other":
        return len(norm.split()) <= 12 and not lexicon.mentions_medical(norm)
    rx = _ANCHOR.get(intent)
    if rx is None:
        return False
    if rx.search(norm):
        return True
    from rapidfuzz.distance import OSA

    words = _ANCHOR_WORDS[intent]  # a typo of an anchor word ("reefill", "apointment")
    return any(
        OSA.distance(token, word, score_cutoff=1) <= 1
        for token in set(re.findall(r"[a-z]{5,}", norm))
        for word in words
        if abs(len(token) - len(word)) <= 1
    )


RESULT_STATUS = re.compile(
    r"\b(?:results?|labs?|lab work|report|test|tests|bloodwork|blood work|xray|mri|scan|biopsy|"
    r"culture|mammogram|blood drawn|pap)\b(?:\s+\S+){0,6}?\s+(?:back|in yet|come in|came in|ready|"
    r"arrived|posted|available|finished|done|back yet)\b"
    r"|\b(?:did|have) (?:you|they|the lab|doctor \. \w+|\w+) (?:get|got|receive|received) (?:the |my )"
    r"(?:results?|labs?|lab work|report|test)"
    r"|\b(?:is|are) (?:it|they|my \S+(?: \S+)?) (?:back|in|ready) yet\b"
)


# --- the decision ---------------------------------------------------------------------------

LONG = 280  # a question this long that the assistant cannot place goes to a person
MEDIUM = 120  # a message this long that talks about health needs a clear operational reading


def decide(
    text: str,
    *,
    now: datetime | None = None,
    providers=(),
    backend_result: tuple[str, dict] | None = None,
    backend_name: str = "",
) -> Understanding:
    """Safety first, then the classifier (or the backend's structured answer, which the same
    safety layer checks), then the entities."""
    text = text if isinstance(text, str) else ""
    norm = safety.normalize(text)
    finding = safety.check(text)
    entities = extract(text, norm=norm, now=now, providers=providers)
    if finding.is_emergency:
        return Understanding(
            text, "emergency", 1.0, Decision.EMERGENCY, finding, entities=entities,
            reason=f"emergency rule ({finding.category}): {finding.matched}",
            backend=backend_name,
        )
    if backend_result is not None:
        intent, extra = backend_result
        confidence = 1.0
        probs = {i: (1.0 if i == intent else 0.0) for i in INTENTS}
        backend_finding = safety.check_backend(intent, extra)
        if backend_finding.is_emergency:
            return Understanding(
                text, "emergency", 1.0, Decision.EMERGENCY, backend_finding, entities=entities,
                reason="the backend's answer tripped the emergency rules", backend=backend_name,
            )
        if backend_finding.is_clinical and not finding.is_clinical:
            finding = backend_finding
        for key in ("medication_text", "pharmacy_text"):
            if isinstance(extra.get(key), str):
                entities[key] = extra[key][:200]
    else:
        probs = classify(norm)
        intent, confidence = _top(probs)
    clinical_p = probs.get("clinical_question", 0.0) + probs.get("emergency", 0.0)
    if not finding.is_clinical and backend_result is None and RESULT_STATUS.search(norm):
        # "are my labs back?": a status question the clinical rules found nothing else in
        probs = {**probs, "results_status": 1.0, "clinical_question": 0.0, "emergency": 0.0}
        intent, confidence, clinical_p = "results_status", max(confidence, SURE), 0.0

    if finding.is_clinical:
        rest = _without(norm, finding.clauses)
        op = ""
        if rest and backend_result is None:
            op_intent, op_p = _top(classify(rest), OPERATIONAL - {"greeting_other"})
            if op_p >= SURE:
                op = op_intent
        elif backend_result is not None and intent in OPERATIONAL - {"greeting_other"}:
            op = intent
        return Understanding(
            text, "clinical_question", max(confidence, 0.5), Decision.ROUTE, finding,
            operational_intent=op, entities=entities,
            reason=f"clinical rule ({finding.category}): {finding.matched}", backend=backend_name,
        )
    if backend_result is None and probs.get("emergency", 0.0) >= EMERGENCY_SHARE:
        return Understanding(
            text, "emergency", probs["emergency"], Decision.EMERGENCY,
            safety.Finding(safety.Verdict.EMERGENCY, category="classifier"),
            entities=entities, reason="the classifier reads an emergency",
        )
    medical = lexicon.mentions_medical(norm)
    top_clinical = intent in {"clinical_question", "emergency"} and (medical or confidence >= 0.35)
    if top_clinical or clinical_p >= CLINICAL_ALONE or (medical and clinical_p >= CLINICAL_SHARE):
        why = "the classifier reads a clinical question"
        return _route(text, confidence, entities, why, backend_name)
    if medical and intent not in TOLERANT:
        why = "health words in a non-booking message"
        return _route(text, confidence, entities, why, backend_name)
    if medical and len(norm) >= MEDIUM and not (confidence >= 0.6 and anchored(intent, norm)):
        return _route(text, confidence, entities, "a long message about health", backend_name)
    if confidence < SURE and len(norm) >= MEDIUM:
        return _route(text, confidence, entities, "unsure about a long message", backend_name)
    if medical and confidence < SURE:
        return _route(text, confidence, entities, "unsure, and it talks about health", backend_name)
    if not anchored(intent, norm) and backend_result is None:
        # another operational reading the message does anchor ("when is Dr. Lee next available")
        for other, p in sorted(probs.items(), key=lambda kv: -kv[1]):
            if medical:
                break
            if other in OPERATIONAL and p >= 0.12 and anchored(other, norm):
                intent, confidence = other, p
                break
    if not anchored(intent, norm) and not SMALL_TALK.search(norm):
        if medical or QUESTION.search(norm) or len(norm) >= LONG:
            why = f"not recognizably a {intent.replace('_', ' ')} request"
            return _route(text, confidence, entities, why, backend_name)
        intent = "greeting_other"
    return Understanding(
        text, intent, confidence, Decision.ANSWER, finding, entities=entities,
        reason="operational" if confidence >= SURE else "unsure; no health words",
        backend=backend_name,
    )


def _route(text, confidence, entities, why, backend_name) -> Understanding:
    return Understanding(
        text, "clinical_question", confidence, Decision.ROUTE,
        safety.Finding(safety.Verdict.CLINICAL, category="classifier", matched=why),
        entities=entities, reason=why, backend=backend_name,
    )


def _without(norm: str, parts: tuple[str, ...]) -> str:
    rest = norm
    for part in parts:
        rest = rest.replace(part, " ")
    return re.sub(r"\s+", " ", rest).strip(" ,.?!")
