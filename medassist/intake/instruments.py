"""Standard instruments as FHIR Questionnaire items, scored exactly as published.

- PHQ-9 and PHQ-2: Kroenke, Spitzer, Williams. J Gen Intern Med 2001;16:606-613 (PHQ-9 bands
  0-4 / 5-9 / 10-14 / 15-19 / 20-27) and Med Care 2003;41:1284-1292 (PHQ-2: 0-6, a score of
  3 or more is a positive screen). PHQ-9 item 9 (thoughts that you would be better off dead or
  of hurting yourself) answered above "Not at all" goes to a clinician at once, whatever the total.
- GAD-7: Spitzer, Kroenke, Williams, Löwe. Arch Intern Med 2006;166:1092-1097 (0-4 minimal,
  5-9 mild, 10-14 moderate, 15-21 severe).
- AUDIT-C: Bush et al. Arch Intern Med 1998;158:1789-1795; cut-offs per Bradley et al. Alcohol
  Clin Exp Res 2007;31:1208-1217 and the US VA: positive at 4 or more for men, 3 or more for
  women (0-12).
- CDC STEADI "Stay Independent" three key questions (CDC, Algorithm for Fall Risk Screening,
  Assessment and Intervention, 2019): a "yes" to any one means the patient screens at risk and
  needs a fall-risk assessment.

Answer codes are LOINC answer codes where LOINC publishes them; each option carries its
published points in the ordinalValue extension. These definitions are locked: a clinic cannot
edit the items or scoring of a standard instrument (it can stop offering one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from medassist.intake import engine

LOINC = "http://loinc.org"
LOCAL = "https://medassist.dev/fhir/CodeSystem/intake-answer"

FREQUENCY = [
    ("LA6568-5", "Not at all", 0),
    ("LA6569-3", "Several days", 1),
    ("LA6570-1", "More than half the days", 2),
    ("LA6571-9", "Nearly every day", 3),
]
PHQ9_ITEMS = [
    ("44250-9", "Little interest or pleasure in doing things"),
    ("44255-8", "Feeling down, depressed, or hopeless"),
    ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    ("44254-1", "Feeling tired or having little energy"),
    ("44251-7", "Poor appetite or overeating"),
    (
        "44258-2",
        "Feeling bad about yourself — or that you are a failure or have let yourself or "
        "your family down",
    ),
    (
        "44252-5",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
    ),
    (
        "44253-3",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
    ),
    ("44260-8", "Thoughts that you would be better off dead or of hurting yourself in some way"),
]
GAD7_ITEMS = [
    ("69725-0", "Feeling nervous, anxious, or on edge"),
    ("68509-9", "Not being able to stop or control worrying"),
    ("69733-4", "Worrying too much about different things"),
    ("69734-2", "Trouble relaxing"),
    ("69735-9", "Being so restless that it is hard to sit still"),
    ("69689-8", "Becoming easily annoyed or irritable"),
    ("69736-7", "Feeling afraid as if something awful might happen"),
]
DIFFICULTY = [
    ("LA6572-7", "Not difficult at all"),
    ("LA6573-5", "Somewhat difficult"),
    ("LA6575-0", "Very difficult"),
    ("LA6574-3", "Extremely difficult"),
]
AUDIT_C = [
    (
        "68518-0",
        "How often do you have a drink containing alcohol?",
        [
            ("LA6270-8", "Never", 0),
            ("LA18926-8", "Monthly or less", 1),
            ("LA18927-6", "2-4 times a month", 2),
            ("LA18928-4", "2-3 times a week", 3),
            ("LA18929-2", "4 or more times a week", 4),
        ],
    ),
    (
        "68519-8",
        "How many standard drinks containing alcohol do you have on a typical day?",
        [
            ("LA15694-5", "1 or 2", 0),
            ("LA15695-2", "3 or 4", 1),
            ("LA18930-0", "5 or 6", 2),
            ("LA18931-8", "7 to 9", 3),
            ("LA18932-6", "10 or more", 4),
        ],
    ),
    (
        "68520-6",
        "How often do you have six or more drinks on one occasion?",
        [
            ("LA6270-8", "Never", 0),
            ("LA15696-0", "Less than monthly", 1),
            ("LA18876-5", "Monthly", 2),
            ("LA18891-4", "Weekly", 3),
            ("LA18934-2", "Daily or almost daily", 4),
        ],
    ),
]
STEADI_ITEMS = [
    ("steadi-fell", "Have you fallen in the past year?"),
    ("steadi-unsteady", "Do you feel unsteady when standing or walking?"),
    ("steadi-worry", "Do you worry about falling?"),
]
PHQ_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
GAD_STEM = PHQ_STEM


def _options(triples, *, emergency_above: int | None = None, system: str = LOINC) -> list[dict]:
    out = []
    for code, display, points in triples:
        opt: dict = {
            "valueCoding": {"system": system, "code": code, "display": display},
            "extension": [{"url": engine.ORDINAL, "valueDecimal": points}],
        }
        if emergency_above is not None and points > emergency_above:
            opt["extension"].append({"url": engine.EMERGENCY, "valueBoolean": True})
        out.append(opt)
    return out


def _code(code: str, display: str) -> list[dict]:
    return [{"system": LOINC, "code": code, "display": display}]


def _frequency_item(code: str, text: str, *, emergency: bool = False) -> dict:
    return {
        "linkId": code,
        "code": _code(code, text),
        "text": text,
        "type": "choice",
        "required": True,
        "answerOption": _options(FREQUENCY, emergency_above=0 if emergency else None),
    }


def _difficulty(link: str, code: str) -> dict:
    return {
        "linkId": link,
        "code": _code(code, "Difficulty doing work, taking care of things, getting along"),
        "text": "If you checked off any problems, how difficult have these problems made it "
        "for you to do your work, take care of things at home, or get along with other people?",
        "type": "choice",
        "required": False,
        "answerOption": [
            {"valueCoding": {"system": LOINC, "code": c, "display": d}} for c, d in DIFFICULTY
        ],
    }


@dataclass(frozen=True)
class Instrument:
    key: str  # Questionnaire.name
    title: str  # the published name
    code: str  # LOINC panel code ("" when LOINC has none)
    description: str
    items: list[dict] = field(default_factory=list)


def _phq9() -> list[dict]:
    items: list[dict] = [
        _frequency_item(code, text, emergency=(n == 8)) for n, (code, text) in enumerate(PHQ9_ITEMS)
    ]
    items.append(_difficulty("69722-7", "69722-7"))
    return [{"linkId": "phq9", "text": PHQ_STEM, "type": "group", "item": items}]


def _phq2() -> list[dict]:
    items = [_frequency_item(code, text) for code, text in PHQ9_ITEMS[:2]]
    return [{"linkId": "phq2", "text": PHQ_STEM, "type": "group", "item": items}]


def _gad7() -> list[dict]:
    items: list[dict] = [_frequency_item(code, text) for code, text in GAD7_ITEMS]
    items.append(_difficulty("gad7-difficulty", "69722-7"))
    return [{"linkId": "gad7", "text": GAD_STEM, "type": "group", "item": items}]


def _auditc() -> list[dict]:
    items = [
        {
            "linkId": code,
            "code": _code(code, text),
            "text": text,
            "type": "choice",
            "required": True,
            "answerOption": _options(opts),
        }
        for code, text, opts in AUDIT_C
    ]
    return [
        {"linkId": "auditc", "text": "Alcohol use in the past year", "type": "group", "item": items}
    ]


def _steadi() -> list[dict]:
    items = [
        {"linkId": link, "text": text, "type": "boolean", "required": True}
        for link, text in STEADI_ITEMS
    ]
    return [{"linkId": "steadi", "text": "Falls", "type": "group", "item": items}]


INSTRUMENTS: dict[str, Instrument] = {
    i.key: i
    for i in (
        Instrument("phq-2", "PHQ-2", "55757-9", "Patient Health Questionnaire-2", _phq2()),
        Instrument("phq-9", "PHQ-9", "44249-1", "Patient Health Questionnaire-9", _phq9()),
        Instrument(
            "gad-7", "GAD-7", "69737-5", "Generalized Anxiety Disorder 7-item scale", _gad7()
        ),
        Instrument(
            "audit-c",
            "AUDIT-C",
            "72109-2",
            "Alcohol Use Disorders Identification Test-Consumption",
            _auditc(),
        ),
        Instrument(
            "steadi",
            "CDC STEADI Three Key Questions",
            "",
            "CDC STEADI falls-risk screen: the three key questions",
            _steadi(),
        ),
    )
}


@dataclass(frozen=True)
class Score:
    """What staff see: the total, the published band, and flags (never shown to the patient)."""

    total: int | None
    band: str
    positive: bool
    flags: tuple[str, ...] = ()
    note: str = ""
    alert_clinician: bool = False  # PHQ-9 item 9

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "band": self.band,
            "positive": self.positive,
            "flags": list(self.flags),
            "note": self.note,
            "alert_clinician": self.alert_clinician,
        }


def _points(items: list[dict], answers: dict, links: list[str]) -> list[int] | None:
    questions = engine.answerable(items)
    pts = []
    for link in links:
        code = answers.get(link)
        if code in (None, []):
            return None
        value = engine.ordinal(questions[link], str(code))
        if value is None:
            return None
        pts.append(int(value))
    return pts


class IncompleteAnswers(ValueError):
    pass


def _band(total: int, bands: list[tuple[int, int, str]]) -> str:
    for lo, hi, name in bands:
        if lo <= total <= hi:
            return name
    raise ValueError(total)


PHQ9_BANDS = [
    (0, 4, "None-minimal"),
    (5, 9, "Mild"),
    (10, 14, "Moderate"),
    (15, 19, "Moderately severe"),
    (20, 27, "Severe"),
]
GAD7_BANDS = [(0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"), (15, 21, "Severe")]


def score(key: str, answers: dict, *, sex: str = "") -> Score:
    """Score a completed instrument. `sex` is the patient's sex assigned at birth (M/F/...),
    used only by AUDIT-C's cut-off. Raises IncompleteAnswers if a scored item is unanswered."""
    inst = INSTRUMENTS[key]
    items = inst.items
    if key == "phq-9":
        links = [c for c, _ in PHQ9_ITEMS]
        pts = _points(items, answers, links)
        if pts is None:
            raise IncompleteAnswers("All nine PHQ-9 items are needed for a score.")
        total = sum(pts)
        item9 = pts[8] > 0
        flags = ("Item 9 positive: thoughts of self-harm",) if item9 else ()
        band = _band(total, PHQ9_BANDS)
        return Score(total, band, total >= 10 or item9, flags, alert_clinician=item9)
    if key == "phq-2":
        pts = _points(items, answers, [c for c, _ in PHQ9_ITEMS[:2]])
        if pts is None:
            raise IncompleteAnswers("Both PHQ-2 items are needed for a score.")
        total = sum(pts)
        positive = total >= 3
        band = "Positive screen (3 or more): PHQ-9 advised" if positive else "Negative screen"
        return Score(total, band, positive)
    if key == "gad-7":
        pts = _points(items, answers, [c for c, _ in GAD7_ITEMS])
        if pts is None:
            raise IncompleteAnswers("All seven GAD-7 items are needed for a score.")
        total = sum(pts)
        return Score(total, _band(total, GAD7_BANDS), total >= 10)
    if key == "audit-c":
        links = [c for c, _, _ in AUDIT_C]
        pts = _points(items, answers, links)
        if pts is None:
            raise IncompleteAnswers("All three AUDIT-C items are needed for a score.")
        total = sum(pts)
        if sex == "M":
            cut, who = 4, "men: 4 or more"
        elif sex == "F":
            cut, who = 3, "women: 3 or more"
        else:
            cut, who = 3, "sex not recorded as male or female: the lower (women's) cut-off, 3"
        positive = total >= cut
        note = ""
        if positive and pts[1] == 0 and pts[2] == 0:
            note = (
                "All points from question 1: the patient may be drinking below recommended "
                "limits; review intake over the past few months."
            )
        band = ("Positive" if positive else "Negative") + f" (cut-off for {who})"
        return Score(total, band, positive, note=note)
    if key == "steadi":
        links = [link for link, _ in STEADI_ITEMS]
        values = [answers.get(link) for link in links]
        if any(v is None for v in values):
            raise IncompleteAnswers("All three STEADI questions are needed.")
        yes = [text for (link, text), v in zip(STEADI_ITEMS, values, strict=True) if v is True]
        positive = bool(yes)
        band = "At risk: fall-risk assessment advised" if positive else "Not at risk"
        return Score(len(yes), band, positive, tuple(yes))
    raise KeyError(key)
