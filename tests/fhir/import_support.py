"""Small hand-written FHIR R4 bundles for the import tests (one patient each)."""

from __future__ import annotations

import json
import uuid


def ref(resource: dict) -> dict:
    return {"reference": f"urn:uuid:{resource['id']}"}


def patient_resource(pid: str | None = None, **extra) -> dict:
    pid = pid or str(uuid.uuid4())
    res = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [
            {"system": "https://example.org/ehr", "value": f"EHR-{pid[:8]}"},
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "SS"}
                    ]
                },
                "system": "http://hl7.org/fhir/sid/us-ssn",
                "value": "999-12-3456",
            },
        ],
        "name": [{"use": "official", "family": "Quinn", "given": ["Harper", "Lee"]}],
        "gender": "female",
        "birthDate": "1971-03-09",
        "telecom": [{"system": "phone", "value": "(518) 555-0199", "use": "home"}],
        "address": [
            {"line": ["4 Pine St"], "city": "Albany", "state": "New York", "postalCode": "12207"}
        ],
        "communication": [{"language": {"coding": [{"code": "en-US", "display": "English"}]}}],
    }
    res.update(extra)
    return res


def bundle(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{r['id']}" if "id" in r else None,
                "resource": r,
                "request": {"method": "POST", "url": r["resourceType"]},
            }
            for r in resources
        ],
    }


def full_chart_bundle(pid: str | None = None, *, family: str = "Quinn") -> tuple[dict, dict]:
    """A bundle with one resource of every kind the importer loads, plus a few it skips.
    Returns (bundle, resources by short name)."""
    p = patient_resource(
        pid, name=[{"use": "official", "family": family, "given": ["Harper", "Lee"]}]
    )
    u = lambda: str(uuid.uuid4())  # noqa: E731
    enc = {
        "resourceType": "Encounter",
        "id": u(),
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "type": [
            {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "185349003",
                        "display": "Encounter for check up",
                    }
                ]
            }
        ],
        "subject": ref(p),
        "period": {"start": "2019-02-10T09:30:00-05:00", "end": "2019-02-10T10:00:00-05:00"},
        "reasonCode": [
            {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "38341003",
                        "display": "Hypertension",
                    }
                ]
            }
        ],
    }
    cond = {
        "resourceType": "Condition",
        "id": u(),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed",
                }
            ]
        },
        "code": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertension"}
            ],
            "text": "Hypertension",
        },
        "subject": ref(p),
        "encounter": ref(enc),
        "onsetDateTime": "2015-06-01T08:00:00-04:00",
        "recordedDate": "2015-06-01T08:00:00-04:00",
    }
    resolved = {
        "resourceType": "Condition",
        "id": u(),
        "clinicalStatus": {"coding": [{"code": "resolved"}]},
        "code": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "J02.9",
                    "display": "Acute pharyngitis",
                }
            ]
        },
        "subject": ref(p),
        "onsetDateTime": "2018-01-03",
        "abatementDateTime": "2018-01-12",
    }
    lab = {
        "resourceType": "Observation",
        "id": u(),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "2339-0", "display": "Glucose"}]
        },
        "subject": ref(p),
        "encounter": ref(enc),
        "effectiveDateTime": "2019-02-10T09:45:00-05:00",
        "valueQuantity": {
            "value": 98.123456789,
            "unit": "mg/dL",
            "system": "http://unitsofmeasure.org",
            "code": "mg/dL",
        },
        "referenceRange": [
            {"low": {"value": 70, "unit": "mg/dL"}, "high": {"value": 99, "unit": "mg/dL"}}
        ],
    }
    bp = {
        "resourceType": "Observation",
        "id": u(),
        "status": "final",
        "category": [{"coding": [{"code": "vital-signs"}]}],
        "code": {
            "coding": [
                {"system": "http://loinc.org", "code": "55284-4", "display": "Blood Pressure"}
            ]
        },
        "subject": ref(p),
        "encounter": ref(enc),
        "effectiveDateTime": "2019-02-10T09:35:00-05:00",
        "component": [
            {
                "code": {
                    "coding": [
                        {
                            "system": "http://loinc.org",
                            "code": "8480-6",
                            "display": "Systolic Blood Pressure",
                        }
                    ]
                },
                "valueQuantity": {
                    "value": 128,
                    "unit": "mm[Hg]",
                    "system": "http://unitsofmeasure.org",
                    "code": "mm[Hg]",
                },
            },
            {
                "code": {
                    "coding": [
                        {
                            "system": "http://loinc.org",
                            "code": "8462-4",
                            "display": "Diastolic Blood Pressure",
                        }
                    ]
                },
                "valueQuantity": {
                    "value": 82,
                    "unit": "mm[Hg]",
                    "system": "http://unitsofmeasure.org",
                    "code": "mm[Hg]",
                },
            },
        ],
    }
    smoking = {
        "resourceType": "Observation",
        "id": u(),
        "status": "final",
        "category": [{"coding": [{"code": "survey"}]}],
        "code": {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": "72166-2",
                    "display": "Tobacco smoking status NHIS",
                }
            ]
        },
        "subject": ref(p),
        "effectiveDateTime": "2019-02-10T09:40:00-05:00",
        "valueCodeableConcept": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "266919005", "display": "Never smoker"}
            ]
        },
    }
    practitioner = {
        "resourceType": "Practitioner",
        "id": u(),
        "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "100"}],
        "name": [{"family": "Upton", "given": ["Isaac"], "prefix": ["Dr."]}],
    }
    med = {
        "resourceType": "MedicationRequest",
        "id": u(),
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "314076",
                    "display": "lisinopril 10 MG Oral Tablet",
                }
            ]
        },
        "subject": ref(p),
        "encounter": ref(enc),
        "authoredOn": "2019-02-10T10:00:00-05:00",
        "requester": ref(practitioner),
        "reasonReference": [ref(cond)],
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 1}}],
            }
        ],
    }
    statement = {
        "resourceType": "MedicationStatement",
        "id": u(),
        "status": "completed",
        "medicationCodeableConcept": {"text": "Ibuprofen 200 mg"},
        "subject": ref(p),
        "effectivePeriod": {"start": "2018-01-03", "end": "2018-01-10"},
    }
    imm = {
        "resourceType": "Immunization",
        "id": u(),
        "status": "completed",
        "vaccineCode": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/cvx",
                    "code": "140",
                    "display": "Influenza, seasonal, injectable, preservative free",
                }
            ]
        },
        "patient": ref(p),
        "encounter": ref(enc),
        "occurrenceDateTime": "2019-02-10T09:50:00-05:00",
        "primarySource": True,
        "lotNumber": "FLU123",
    }
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": u(),
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "verificationStatus": {"coding": [{"code": "confirmed"}]},
        "type": "allergy",
        "category": ["medication"],
        "criticality": "high",
        "code": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "7980",
                    "display": "Penicillin G",
                }
            ],
            "text": "Penicillin",
        },
        "patient": ref(p),
        "reaction": [{"manifestation": [{"text": "Hives"}], "severity": "moderate"}],
    }
    proc = {
        "resourceType": "Procedure",
        "id": u(),
        "status": "completed",
        "code": {
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "428191000124101",
                    "display": "Documentation of current medications",
                }
            ]
        },
        "subject": ref(p),
        "encounter": ref(enc),
        "performedPeriod": {
            "start": "2019-02-10T09:55:00-05:00",
            "end": "2019-02-10T09:58:00-05:00",
        },
    }
    claim = {"resourceType": "Claim", "id": u(), "status": "active"}
    items = {
        "patient": p, "encounter": enc, "condition": cond, "resolved": resolved, "lab": lab,
        "bp": bp, "smoking": smoking, "practitioner": practitioner, "medication": med,
        "statement": statement, "immunization": imm, "allergy": allergy, "procedure": proc,
        "claim": claim,
    }  # fmt: skip
    return bundle(*items.values()), items


def write_json(path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")
