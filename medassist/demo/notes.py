"""The demo's visit notes, written from templates: the reason in the patient's words, the
vitals the medical assistant took, an exam, and an assessment and plan that fit the reason and
the patient's problem list. Plain SOAP text, as a provider would type it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from medassist.demo.clinical import BMI_PLAN, Condition, Med
from medassist.intake.models import Vitals
from medassist.records.models import Note

# (history, exam, assessment, plan) for each reason a patient gives at rooming (demo/words.py)
SICK = {
    "Sore throat and fever since Sunday": (
        "Sore throat, fever to 101 at home, no cough.",
        "Tonsils red and swollen with exudate, tender front neck nodes.",
        "Acute pharyngitis; rapid strep positive.",
        "Amoxicillin 500 mg twice daily for 10 days. Fluids, ibuprofen for pain.",
    ),
    "I've had this cough for about ten days and it's not going away": (
        "Dry cough ten days after a cold, no fever now, no shortness of breath.",
        "Lungs clear, no wheeze. Throat mildly red.",
        "Acute bronchitis, likely viral.",
        "No antibiotic needed. Honey, fluids; return if fever, or cough past 3 weeks.",
    ),
    "Burning when I pee, started yesterday": (
        "Dysuria and frequency since yesterday, no fever, no back pain.",
        "No costovertebral angle tenderness. Urine dip: leukocytes and nitrites positive.",
        "Uncomplicated urinary tract infection.",
        "Nitrofurantoin 100 mg twice daily for 5 days; culture sent.",
    ),
    "My back went out lifting boxes on Saturday": (
        "Low back pain after lifting, no leg numbness or weakness, bladder and bowels normal.",
        "Paraspinal muscle tenderness, straight-leg raise negative, strength normal.",
        "Acute low back strain.",
        "Ibuprofen with food, heat, keep moving. Back exercises handout.",
    ),
    "Bad headache for three days, Tylenol isn't helping": (
        "Band-like headache three days, worse at the end of the day; no fever, no vision change.",
        "Neurological exam normal, neck supple.",
        "Tension-type headache.",
        "Ibuprofen, sleep and screen breaks. Return at once for a sudden, severe headache.",
    ),
    "Stomach bug, throwing up since last night": (
        "Vomiting since last night, now keeping small sips down; two loose stools.",
        "Mild dehydration, abdomen soft, non-tender.",
        "Viral gastroenteritis.",
        "Small frequent sips of oral rehydration solution; bland diet as tolerated.",
    ),
    "My left ear hurts and I can't hear well on that side": (
        "Left ear pain and muffled hearing two days, after a cold.",
        "Left tympanic membrane red and bulging; right normal.",
        "Acute otitis media, left.",
        "Amoxicillin for 7 days; ibuprofen for pain.",
    ),
    "Itchy rash on both arms": (
        "Itchy rash on both forearms after gardening.",
        "Linear red papules and vesicles on both forearms.",
        "Contact dermatitis (likely poison ivy).",
        "Triamcinolone 0.1% cream twice daily; cool compresses.",
    ),
    "Sinus pressure and green stuff for a week": (
        "Facial pressure and thick discharge seven days, no fever.",
        "Maxillary sinus tenderness, nasal mucosa swollen.",
        "Acute sinusitis, likely viral.",
        "Saline rinses, fluticasone nasal spray; antibiotic only if past 10 days or worse.",
    ),
    "Twisted my ankle playing basketball": (
        "Inverted the right ankle yesterday, walked off the court with a limp.",
        "Swelling over the lateral ankle, no bony tenderness (Ottawa rules negative).",
        "Right ankle sprain.",
        "Rest, ice, compression, elevation; ankle brace. Return if unable to bear weight.",
    ),
    "I feel dizzy when I stand up": (
        "Light-headed on standing for a week, no fainting, no chest pain.",
        "Orthostatic drop of 15 mmHg systolic. Heart regular, no murmur.",
        "Orthostatic dizziness.",
        "More fluids, stand up slowly; blood count and metabolic panel today.",
    ),
    "Pink eye, woke up with it crusted shut": (
        "Red eye with crusting this morning, no pain, vision normal.",
        "Conjunctival redness with discharge, cornea clear.",
        "Acute conjunctivitis.",
        "Warm compresses, hand washing; antibiotic drops if not better in 3 days.",
    ),
    "Chest feels tight when I climb the stairs": (
        "Chest tightness on stairs for two weeks, goes away with rest.",
        "Heart regular, lungs clear. ECG in the office: sinus rhythm, no acute changes.",
        "Exertional chest tightness, cardiac cause to rule out.",
        "Aspirin 81 mg daily; urgent stress test and cardiology referral. ER if pain at rest.",
    ),
    "Fever since yesterday and {he} won't eat": (
        "Fever to 102 since yesterday, drinking less, still wetting diapers.",
        "Alert, moist lips. Ears and throat normal, lungs clear.",
        "Viral illness with fever.",
        "Acetaminophen by weight, fluids. Return if fewer wet diapers or fever past 3 days.",
    ),
    "{He} keeps tugging at {his} ear and was up all night": (
        "Ear pulling and poor sleep for a night, low fever, runny nose.",
        "Right tympanic membrane bulging and red.",
        "Acute otitis media, right.",
        "Amoxicillin by weight for 10 days; ibuprofen for pain.",
    ),
    "Cough and runny nose for a week": (
        "Runny nose and cough a week, eating and playing normally.",
        "Clear nasal discharge, lungs clear, no distress.",
        "Common cold.",
        "Saline drops, honey if over 1 year. Return for breathing trouble.",
    ),
    "Rash on {his} belly": (
        "Rash on the belly two days after a fever, not itchy.",
        "Pink blanching macules on the trunk, child well.",
        "Viral rash (roseola pattern).",
        "No treatment needed; fades in a few days.",
    ),
    "Threw up twice this morning": (
        "Vomited twice this morning, no diarrhea, drinking now.",
        "Well hydrated, abdomen soft.",
        "Viral gastroenteritis.",
        "Small sips of oral rehydration solution; bland foods.",
    ),
    "Says {his} throat hurts when {he} swallows": (
        "Sore throat with swallowing and fever, no cough.",
        "Red tonsils, tender neck nodes.",
        "Strep pharyngitis; rapid strep positive.",
        "Amoxicillin by weight for 10 days; back to school after 24 hours of treatment.",
    ),
    "Pink eye, daycare sent {him} home": (
        "Red eyes with yellow discharge since this morning.",
        "Both conjunctivae red with discharge, vision tracking normal.",
        "Bacterial conjunctivitis.",
        "Polymyxin-trimethoprim drops for 7 days; daycare after 24 hours of drops.",
    ),
}
PROCEDURE = {
    "Mole on my back that's changed color": (
        "Shave biopsy of a 6 mm irregular pigmented lesion, mid back, after consent.",
        "Sent to pathology; call with the result in a week.",
    ),
    "Ingrown toenail, really sore": (
        "Partial nail avulsion, right great toe, under digital block.",
        "Soak twice daily; return for redness or pus.",
    ),
    "Skin tag on my neck I'd like taken off": (
        "Snip excision of a 4 mm skin tag, left neck.",
        "Keep dry 24 hours.",
    ),
    "Wart on my finger": (
        "Cryotherapy to a wart on the right index finger.",
        "Repeat in 3 weeks if needed.",
    ),
    "Can't hear out of my right ear, I think it's wax": (
        "Right ear irrigation; impacted cerumen removed, canal and drum normal after.",
        "Hearing improved. Softening drops monthly.",
    ),
    "Lump on my shoulder that keeps getting bigger": (
        "Soft, mobile 3 cm mass, right shoulder, consistent with a lipoma.",
        "Ultrasound ordered; excision if it keeps growing.",
    ),
    "Splinter in {his} foot we couldn't get out": (
        "Splinter removed from the left heel with forceps after topical numbing.",
        "Keep clean; tetanus up to date.",
    ),
}
NURSE = {
    "Flu shot": "Influenza vaccine given, left deltoid. Tolerated well; VIS given.",
    "B12 shot": "Vitamin B12 1,000 mcg IM given, right deltoid.",
    "Blood pressure check": "Blood pressure rechecked after 5 minutes seated; sent to provider.",
    "Here for my allergy shot": "Allergy injection given per schedule; observed 30 minutes.",
    "TB test read": "TST read at 48 hours: 0 mm induration, negative.",
    "Tetanus shot, stepped on a nail": "Tdap given, left deltoid; wound clean, no redness.",
    "Catch-up vaccines": "Catch-up vaccines given per schedule; parent given VIS.",
    "Strep test": "Rapid strep collected and sent to provider.",
}


@dataclass(frozen=True)
class ChartProblem:
    condition: Condition
    med: Med | None


def vitals_line(v: Vitals | None) -> str:
    if v is None:
        return "Vitals not taken."
    parts = []
    if v.bp_systolic is not None:
        parts.append(f"BP {v.bp_systolic}/{v.bp_diastolic}")
    if v.pulse is not None:
        parts.append(f"HR {v.pulse}")
    if v.temperature_c is not None:
        parts.append(f"T {v.temperature_f} °F")
    if v.respiratory_rate is not None:
        parts.append(f"RR {v.respiratory_rate}")
    if v.spo2 is not None:
        parts.append(f"SpO2 {v.spo2}%")
    if v.weight_kg is not None:
        parts.append(f"Wt {float(v.weight_kg) / 0.45359237:.1f} lb")
    if v.bmi is not None:
        parts.append(f"BMI {v.bmi}")
    return "Vitals: " + ", ".join(parts) + "."


def _problem_lines(problems: list[ChartProblem], vitals: Vitals | None) -> list[str]:
    bp = f"{vitals.bp_systolic}/{vitals.bp_diastolic}" if vitals and vitals.bp_systolic else "—"
    lines = []
    for p in problems[:4]:
        med = f"{p.med.name} {p.med.strength}" if p.med else "the current plan"
        text = p.condition.plan or "Stable."
        if p.condition.code in ("E66.9", "E66.3"):
            text = BMI_PLAN.replace("{bmi}", str(vitals.bmi) if vitals and vitals.bmi else "—")
        lines.append(f"- {p.condition.code}: {text.format(med=med, bp=bp)}")
    return lines


def write(
    *,
    code: str,
    reason: str,
    reason_key: str,
    vitals: Vitals | None,
    problems: list[ChartProblem],
    follow_up: str,
    age: int,
    rng: random.Random,
) -> tuple[str, str, str]:
    """(note type, title, body) of the note of one visit."""
    said = f'Patient says: "{reason}".'
    vitals_text = vitals_line(vitals)
    if code == "nurse-visit":
        body = f"{said}\n{vitals_text}\n{NURSE.get(reason_key, 'Done as ordered.')}"
        return Note.Type.NURSING, "Nurse visit", body
    if code == "procedure" and reason_key in PROCEDURE:
        done, after = PROCEDURE[reason_key]
        body = (
            f"{said}\n{vitals_text}\nProcedure: {done} Consent signed; no complications.\n"
            f"Plan: {after} Follow-up {follow_up}."
        )
        return Note.Type.PROCEDURE, "Procedure note", body
    if code == "sick-visit" and reason_key in SICK:
        history, exam, assessment, plan = SICK[reason_key]
        body = (
            f"S: {said} {history}\nO: {vitals_text} {exam}\nA: {assessment}\n"
            f"P: {plan} Follow-up {follow_up}."
        )
        return Note.Type.PROGRESS, "Sick visit", body
    lines = _problem_lines(problems, vitals)
    if code == "annual-physical":
        screen = _screening(age, rng)
        body = (
            f"S: {said} Feels well. Reviewed diet, sleep, exercise and mood.\n"
            f"O: {vitals_text} Heart, lungs, abdomen and skin normal.\n"
            "A/P: Annual preventive visit.\n"
            + "\n".join([*lines, f"- Screening: {screen}"])
            + f"\nFollow-up {follow_up}."
        )
        return Note.Type.HISTORY_PHYSICAL, "Annual physical", body
    if code == "new-patient":
        body = (
            f"S: {said} Establishing care; records requested from the previous office. "
            "Medications and allergies reviewed with the patient.\n"
            f"O: {vitals_text} Exam unremarkable.\nA/P:\n"
            + "\n".join(lines or ["- No chronic problems."])
            + f"\nFollow-up {follow_up}."
        )
        return Note.Type.HISTORY_PHYSICAL, "New patient visit", body
    body = (
        f"S: {said} Taking medications as prescribed, no side effects.\n"
        f"O: {vitals_text}\nA/P:\n"
        + "\n".join(lines or ["- Doing well; no changes."])
        + f"\nFollow-up {follow_up}."
    )
    return Note.Type.PROGRESS, "Follow-up visit", body


def _screening(age: int, rng: random.Random) -> str:
    if age < 18:
        return rng.choice(
            [
                "growth and development on track; vaccines reviewed.",
                "vision and hearing normal; vaccines up to date.",
            ]
        )
    if age < 45:
        return rng.choice(
            ["lipids and A1c ordered.", "HIV and hepatitis C screening offered.", "none due."]
        )
    if age < 65:
        return rng.choice(
            [
                "colon cancer screening due: FIT kit given.",
                "lipids, A1c ordered; colonoscopy up to date.",
                "mammogram ordered." if rng.random() < 0.5 else "lipids and A1c ordered.",
            ]
        )
    return rng.choice(
        [
            "fall risk reviewed; bone density ordered.",
            "memory screen normal; hearing referral.",
            "pneumococcal vaccine offered; colonoscopy no longer needed.",
        ]
    )
