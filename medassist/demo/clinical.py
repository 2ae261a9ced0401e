"""What the demo charts are made of: common conditions of a family practice with their ICD-10-CM
codes and usual medications, allergies, past medical, surgical and family history, the
vaccine schedule with CVX codes, and social history. Every code is checked by the chart's own
rules (records.codes) when the charts are written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Med:
    name: str
    strength: str
    dose: str
    route: str
    frequency: str


@dataclass(frozen=True)
class Condition:
    """A long-term condition: ICD-10-CM code, the ages it appears at, the chance of having it
    by `peak` age (rising from `start`), the sex it applies to ("" for both), its usual
    medications (one is chosen) and the line a provider writes about it at a follow-up."""

    code: str
    start: int
    peak: int
    chance: float
    meds: tuple[Med, ...] = ()
    sex: str = ""
    until: int = 120
    plan: str = ""


def _m(name, strength, dose="1 tablet", route="oral", frequency="once daily") -> Med:
    return Med(name, strength, dose, route, frequency)


CONDITIONS = (
    Condition(
        "I10",
        30,
        70,
        0.48,
        (
            _m("Lisinopril", "10 mg"),
            _m("Amlodipine", "5 mg"),
            _m("Losartan", "50 mg"),
            _m("Hydrochlorothiazide", "25 mg", frequency="once daily in the morning"),
        ),
        plan="Blood pressure {bp} today. Continue {med}; home readings, low-salt diet.",
    ),
    Condition(
        "E78.5",
        35,
        70,
        0.38,
        (
            _m("Atorvastatin", "20 mg", frequency="once daily at bedtime"),
            _m("Rosuvastatin", "10 mg"),
            _m("Simvastatin", "20 mg", frequency="once daily in the evening"),
        ),
        plan="On {med}, no muscle aches. Lipid panel before the next visit.",
    ),
    Condition(
        "E11.9",
        35,
        70,
        0.16,
        (_m("Metformin", "500 mg", frequency="twice daily with meals"),),
        plan="A1c due; continue {med}. Foot exam normal. Annual eye exam reminded.",
    ),
    Condition("R73.03", 30, 60, 0.08, plan="Diet and walking discussed; A1c in 6 months."),
    Condition(
        "E03.9",
        25,
        60,
        0.12,
        (_m("Levothyroxine", "50 mcg", frequency="once daily before breakfast"),),
        sex="F",
        plan="Feels well on {med}. TSH in 3 months.",
    ),
    Condition(
        "J45.909",
        4,
        15,
        0.08,
        (
            _m(
                "Albuterol HFA",
                "90 mcg/actuation",
                "2 puffs",
                "inhaled",
                "every 4-6 hours as needed",
            ),
            _m("Fluticasone HFA", "110 mcg/actuation", "2 puffs", "inhaled", "twice daily"),
        ),
        plan="Asthma controlled; rescue inhaler less than twice a week. Continue {med}.",
    ),
    Condition(
        "K21.9",
        25,
        60,
        0.12,
        (_m("Omeprazole", "20 mg", "1 capsule", frequency="once daily before breakfast"),),
        plan="Heartburn controlled on {med}; try stepping down if well for 3 months.",
    ),
    Condition(
        "F41.1",
        18,
        40,
        0.07,
        (_m("Sertraline", "50 mg"),),
        plan="Anxiety better on {med}; sleeping well. Continue, recheck in 3 months.",
    ),
    Condition(
        "F32.A",
        18,
        40,
        0.06,
        (_m("Escitalopram", "10 mg"),),
        plan="Mood improved on {med}; PHQ-9 down. No thoughts of self-harm.",
    ),
    Condition(
        "J30.9",
        5,
        30,
        0.12,
        (
            _m("Cetirizine", "10 mg"),
            _m("Fluticasone nasal spray", "50 mcg/spray", "2 sprays each nostril", "nasal"),
        ),
        plan="Seasonal symptoms controlled with {med}.",
    ),
    Condition(
        "M17.11",
        50,
        80,
        0.12,
        (
            _m(
                "Acetaminophen",
                "500 mg",
                "2 tablets",
                frequency="up to three times daily as needed",
            ),
            _m("Meloxicam", "7.5 mg"),
        ),
        plan="Right knee pain stable with {med}; keep up the quadriceps exercises.",
    ),
    Condition(
        "G43.909",
        15,
        35,
        0.1,
        (_m("Sumatriptan", "50 mg", frequency="at onset of migraine, may repeat once in 2 hours"),),
        sex="F",
        until=65,
        plan="Two or three migraines a month, {med} works. Headache diary.",
    ),
    Condition(
        "N40.0",
        50,
        80,
        0.3,
        (_m("Tamsulosin", "0.4 mg", "1 capsule", frequency="once daily at bedtime"),),
        sex="M",
        plan="Nighttime urination down to once on {med}.",
    ),
    Condition(
        "E55.9",
        20,
        70,
        0.08,
        (_m("Vitamin D3", "2,000 units"),),
        plan="Continue {med}; level rechecked next year.",
    ),
    Condition(
        "J44.9",
        55,
        80,
        0.06,
        (_m("Tiotropium", "18 mcg", "1 capsule inhaled", "inhaled"),),
        plan="COPD stable on {med}; no flare this season. Encouraged to stay off cigarettes.",
    ),
    Condition(
        "I48.91",
        65,
        90,
        0.07,
        (
            _m("Apixaban", "5 mg", frequency="twice daily"),
            _m("Metoprolol succinate ER", "25 mg"),
        ),
        plan="Rate controlled, no bleeding on {med}.",
    ),
    Condition(
        "M81.0",
        60,
        85,
        0.16,
        (_m("Alendronate", "70 mg", frequency="once weekly, with water, 30 minutes before food"),),
        sex="F",
        plan="On {med}; calcium and vitamin D, weight-bearing exercise. DEXA due.",
    ),
    Condition("G47.33", 40, 70, 0.07, plan="Using CPAP nightly, sleeping better."),
    Condition(
        "L20.9",
        0,
        3,
        0.14,
        (_m("Hydrocortisone 1% cream", "1%", "thin layer", "topical", "twice daily as needed"),),
        until=12,
        plan="Eczema patches fewer; thick moisturizer twice a day, {med} for flares.",
    ),
    Condition(
        "F90.9",
        6,
        10,
        0.09,
        (_m("Methylphenidate ER", "18 mg", frequency="every morning"),),
        until=17,
        plan="Teacher reports better focus on {med}; appetite fine, weight up.",
    ),
)
OBESITY_CODE = "E66.9"  # adults with a BMI of 30 or more
OVERWEIGHT_CODE = "E66.3"  # 25 to 30
BMI_PLAN = "BMI {bmi}. Talked about meals and walking 30 minutes most days."

# Short illnesses of the past two years: ICD-10-CM code, the note on the problem, the youngest
# age, and the course of medicine it was treated with (None: none).
RESOLVED = (
    ("J02.9", "Strep test negative; better in a few days.", 3, None),
    ("J06.9", "", 0, None),
    ("J20.9", "Cough lasted three weeks.", 5, None),
    (
        "N39.0",
        "",
        12,
        _m("Nitrofurantoin", "100 mg", "1 capsule", frequency="twice daily for 5 days"),
    ),
    ("S93.401A", "Ankle brace for two weeks.", 6, None),
    (
        "H66.90",
        "",
        0,
        _m("Amoxicillin", "500 mg", "1 capsule", frequency="twice daily for 10 days"),
    ),
    ("A08.4", "", 0, None),
)
PENICILLINS = ("Penicillin", "Amoxicillin")
INSTEAD_OF_PENICILLIN = _m("Azithromycin", "250 mg", frequency="once daily for 5 days")

# substance, category, type, reaction, severity, criticality, chance
ALLERGIES = (
    ("Penicillin", "medication", "allergy", "Hives", "moderate", "low", 0.08),
    ("Sulfa drugs", "medication", "allergy", "Rash", "mild", "low", 0.04),
    ("Amoxicillin", "medication", "allergy", "Hives", "moderate", "low", 0.03),
    ("Codeine", "medication", "intolerance", "Nausea and vomiting", "mild", "low", 0.03),
    ("Ibuprofen", "medication", "intolerance", "Stomach pain", "mild", "low", 0.02),
    ("Lisinopril", "medication", "intolerance", "Dry cough", "mild", "low", 0.015),
    ("Peanuts", "food", "allergy", "Throat swelling, needed epinephrine", "severe", "high", 0.02),
    ("Shellfish", "food", "allergy", "Hives and lip swelling", "moderate", "high", 0.02),
    ("Latex", "environment", "allergy", "Itchy rash where gloves touched", "mild", "low", 0.015),
    ("Cat dander", "environment", "allergy", "Sneezing and itchy eyes", "mild", "low", 0.04),
    (
        "Bee stings",
        "environment",
        "allergy",
        "Large swelling at the sting",
        "moderate",
        "low",
        0.02,
    ),
)
NO_KNOWN_ALLERGIES_SHARE = 0.86  # of patients with no allergy; the rest are not asked yet

# Past medical history: (ICD-10-CM code or "", words, youngest age).
PAST_MEDICAL = (
    ("J18.9", "", 5),
    ("N20.0", "", 25),
    ("", "Chickenpox as a child", 10),
    ("", "Infectious mononucleosis", 16),
    ("", "Concussion (sports)", 14),
    ("", "Broken arm as a child", 8),
)
PAST_MEDICAL_CHILD = (
    ("", "Born at term, uncomplicated delivery"),
    ("", "RSV bronchiolitis as an infant"),
    ("", "Ear tubes placed at age 2"),
)
# Operations: words, youngest age, sex ("" for both).
SURGERIES = (
    ("Appendectomy", 8, ""),
    ("Tonsillectomy", 4, ""),
    ("Wisdom teeth extraction", 18, ""),
    ("Laparoscopic cholecystectomy", 30, ""),
    ("Cesarean section", 22, "F"),
    ("Inguinal hernia repair", 30, "M"),
    ("Knee arthroscopy", 25, ""),
    ("Carpal tunnel release", 40, ""),
    ("Cataract surgery, both eyes", 62, ""),
)
# Family history: (ICD-10-CM code or "", the words the family uses, onset ages, sex of the
# relative ("" for either)).
FAMILY = (
    ("I10", "High blood pressure", (40, 65), ""),
    ("E11.9", "Type 2 diabetes", (45, 70), ""),
    ("I21.9", "Heart attack", (50, 75), "M"),
    ("C50.919", "Breast cancer", (45, 70), "F"),
    ("C18.9", "Colon cancer", (55, 80), ""),
    ("", "Stroke", (60, 85), ""),
    ("", "Alzheimer's disease", (70, 88), ""),
    ("J45.909", "Asthma", (5, 30), ""),
)
# The parent first, then the other relatives of that sex.
RELATIVES = {
    "F": ("MTH", "SIS", "MGRMTH", "PGRMTH", "AUNT"),
    "M": ("FTH", "BRO", "MGRFTH", "PGRFTH", "UNCLE"),
}

# The childhood schedule, with the combination vaccines most offices use (DTaP-IPV-Hib-HepB at
# 2, 4 and 6 months, DTaP-IPV and MMRV at 4 years): (CVX, ages in months, route, site group).
# Then yearly flu shots.
CHILD_VACCINES = (
    ("08", (0,), "IM", "thigh"),
    ("146", (2, 4, 6), "IM", "thigh"),
    ("119", (2, 4), "oral", ""),
    ("133", (2, 4, 6, 12), "IM", "thigh"),
    ("48", (12,), "IM", "thigh"),
    ("20", (15,), "IM", "thigh"),
    ("03", (12,), "SC", "arm"),
    ("21", (12,), "SC", "arm"),
    ("83", (12, 18), "IM", "thigh"),
    ("130", (54,), "IM", "arm"),
    ("94", (54,), "SC", "arm"),
    ("115", (132,), "IM", "arm"),
    ("165", (132, 138), "IM", "arm"),
    ("136", (132, 192), "IM", "arm"),
)
FLU_CHILD, FLU_ADULT, FLU_SENIOR = "150", "158", "197"
TDAP, ZOSTER, PCV20 = "115", "187", "216"
SITES = {
    "thigh": ("left thigh", "right thigh"),
    "arm": ("left deltoid", "right deltoid"),
    "": ("",),
}
DOSES = {"119": "1 mL"}
MAKERS = ("Merck", "GSK", "Sanofi Pasteur", "Pfizer", "Seqirus")

SMOKING = (  # SNOMED CT smoking status, share of adults
    ("266919005", 0.58),  # never
    ("8517006", 0.25),  # former
    ("449868002", 0.11),  # every day
    ("428041000124106", 0.06),  # some days
)
ALCOHOL = (
    "None",
    "Rarely",
    "1-2 drinks a week",
    "A glass of wine with dinner most evenings",
    "Socially, on weekends",
    "Quit drinking 5 years ago",
)
DRUGS = ("None", "None", "None", "None", "Cannabis occasionally", "None")
OCCUPATIONS = (
    "Teacher",
    "Registered nurse",
    "Electrician",
    "Accountant",
    "Retail manager",
    "Truck driver",
    "Software developer",
    "Home health aide",
    "Restaurant cook",
    "Mail carrier",
    "Police officer",
    "Office administrator",
    "Construction worker",
    "Hair stylist",
    "Self-employed, landscaping",
)
EXERCISE = (
    "Walks the dog daily",
    "Gym 2-3 times a week",
    "Little regular exercise",
    "Bikes to work in summer",
    "Plays basketball on weekends",
    "Swims twice a week",
    "Yoga",
)
LIVING = {
    "child": ("Lives with parents", "Lives with mother and siblings", "Lives with both parents"),
    "adult": (
        "Lives with spouse",
        "Lives with partner and two children",
        "Lives alone",
        "Lives with roommates",
        "Lives with spouse and children",
    ),
    "older": (
        "Lives with spouse",
        "Lives alone, daughter nearby",
        "Lives alone",
        "Lives with son's family",
    ),
}
