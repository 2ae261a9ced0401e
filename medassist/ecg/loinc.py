"""The LOINC codes of the in-office tests and of the ECG measurements, each with where it was
checked. No code goes in here without a published source naming it; a term we could not
confirm is left text-coded rather than guessed (a wrong code is worse than none).

Sources (looked up 2026-12-04):
* [PFE]   HL7 PACIO Personal Functioning and Engagement IG, ValueSet
          pfe-sensory-functions-pain-clinical-test-vs
          (https://hl7.org/fhir/us/pacio-pfe/ValueSet-pfe-sensory-functions-pain-clinical-test-vs.html),
          LOINC displays "Hearing threshold Ear - left --1000 Hz" and so on.
* [SPL]   HL7 PACIO SPLASCH IG (github.com/paciowg/splasch-fsh), CodeSystem
          SPLASCHPureToneThresholdAudiometryPanelCS: the members of LOINC panel 89015-2
          "Pure tone threshold audiometry panel", 250–8000 Hz, each ear.
* [TW]    Taiwan occupational-health IG value set of the 89015-2 members (0.5–8 kHz × ear):
          the same fourteen codes as [SPL].
* [eCQM]  CMS eCQM value set "Best Corrected Visual Acuity Exam Using Snellen Chart"
          (OID 2.16.840.1.113883.3.526.3.1560): 79880-1, 79881-9.
* [IHE]   IHE Eye Care / C-CDA visual acuity guidance: 79882-7 "Visual acuity uncorrected
          Right eye by Snellen eye chart", 79883-5 "… Left eye …".
* [HK]    StanfordBDHG/HealthKitOnFHIR's HealthKit → LOINC mapping: 20150-9 "FEV1",
          19870-5 "Forced vital capacity [Volume] Respiratory system".
* [USC]   US Core examples and HL7 v2 ECG result messages: 8867-4 Heart rate, 8625-6 P-R
          interval, 8633-0 QRS duration, 8634-8 Q-T interval, 8636-3 Q-T interval corrected;
          19926-5 "FEV1/FVC" reported in % (volume fraction).
* [QTC]   FHIR cardiology profiles (several independent IGs): 76635-2 QTc by Bazett formula,
          76634-5 QTc by Fridericia formula.

Known to be wrong in the wild (do not copy): some public audiogram code swaps the ears
(e.g. 89024-4 as the right ear 500 Hz) or reuses 89021-0 for 4000 Hz; [PFE]/[SPL]/[TW] agree
on the table below.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    code: str
    display: str
    source: str


# --- vision: Snellen, (eye, with correction) -------------------------------------------
VISION: dict[tuple[str, bool], Term] = {
    ("right", False): Term(
        "79882-7", "Visual acuity uncorrected Right eye by Snellen eye chart", "IHE"
    ),
    ("left", False): Term(
        "79883-5", "Visual acuity uncorrected Left eye by Snellen eye chart", "IHE"
    ),
    ("right", True): Term(
        "79880-1", "Visual acuity best corrected Right eye by Snellen eye chart", "eCQM"
    ),
    ("left", True): Term(
        "79881-9", "Visual acuity best corrected Left eye by Snellen eye chart", "eCQM"
    ),
}

# --- hearing: pure-tone threshold, (ear, Hz) → a member of panel 89015-2 ------------------
HEARING_PANEL = Term("89015-2", "Pure tone threshold audiometry panel", "SPL")
HEARING: dict[tuple[str, int], Term] = {
    ("left", 250): Term("91375-6", "Hearing threshold Ear - left --250 Hz", "SPL"),
    ("left", 500): Term("89024-4", "Hearing threshold Ear - left --500 Hz", "SPL, TW"),
    ("left", 1000): Term("89016-0", "Hearing threshold Ear - left --1000 Hz", "PFE, SPL, TW"),
    ("left", 2000): Term("89018-6", "Hearing threshold Ear - left --2000 Hz", "PFE, SPL, TW"),
    ("left", 3000): Term("89020-2", "Hearing threshold Ear - left --3000 Hz", "SPL, TW"),
    ("left", 4000): Term("89022-8", "Hearing threshold Ear - left --4000 Hz", "SPL, TW"),
    ("left", 6000): Term("89026-9", "Hearing threshold Ear - left --6000 Hz", "SPL, TW"),
    ("left", 8000): Term("89028-5", "Hearing threshold Ear - left --8000 Hz", "SPL, TW"),
    ("right", 250): Term("91374-9", "Hearing threshold Ear - right --250 Hz", "SPL"),
    ("right", 500): Term("89025-1", "Hearing threshold Ear - right --500 Hz", "PFE, SPL, TW"),
    ("right", 1000): Term("89017-8", "Hearing threshold Ear - right --1000 Hz", "PFE, SPL, TW"),
    ("right", 2000): Term("89019-4", "Hearing threshold Ear - right --2000 Hz", "SPL, TW"),
    ("right", 3000): Term("89021-0", "Hearing threshold Ear - right --3000 Hz", "SPL, TW"),
    ("right", 4000): Term("89023-6", "Hearing threshold Ear - right --4000 Hz", "SPL, TW"),
    ("right", 6000): Term("89027-7", "Hearing threshold Ear - right --6000 Hz", "SPL, TW"),
    ("right", 8000): Term("89029-3", "Hearing threshold Ear - right --8000 Hz", "SPL, TW"),
}

# --- spirometry --------------------------------------------------------------------------
FEV1 = Term("20150-9", "FEV1", "HK")
FVC = Term("19870-5", "Forced vital capacity [Volume] Respiratory system", "HK")
FEV1_FVC = Term("19926-5", "FEV1/FVC", "USC")  # a volume fraction, reported in %

# --- ECG measurements of a recording (the record's global values) -----------------------
ECG_HR = Term("8867-4", "Heart rate", "USC")
ECG_PR = Term("8625-6", "P-R Interval", "USC")
ECG_QRS = Term("8633-0", "QRS duration", "USC")
ECG_QT = Term("8634-8", "Q-T interval", "USC")
ECG_QTC = Term("8636-3", "Q-T interval corrected", "USC")
ECG_QTC_BAZETT = Term("76635-2", "Q-T interval corrected based on Bazett formula", "QTC")
ECG_QTC_FRIDERICIA = Term("76634-5", "Q-T interval corrected based on Fridericia formula", "QTC")

ALL: tuple[Term, ...] = (
    *VISION.values(), HEARING_PANEL, *HEARING.values(), FEV1, FVC, FEV1_FVC,
    ECG_HR, ECG_PR, ECG_QRS, ECG_QT, ECG_QTC, ECG_QTC_BAZETT, ECG_QTC_FRIDERICIA,
)
