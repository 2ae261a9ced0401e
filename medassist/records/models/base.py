"""What every chart item shares: the code systems, the coded triple, the chart item base."""

from __future__ import annotations

from django.db import models

from medassist.core.models import BaseModel


class CodeSystem(models.TextChoices):
    ICD10CM = "icd-10-cm", "ICD-10-CM"
    SNOMED = "snomed", "SNOMED CT"
    RXNORM = "rxnorm", "RxNorm"
    LOINC = "loinc", "LOINC"
    CVX = "cvx", "CVX"
    CPT = "cpt", "CPT"
    TEXT = "text", "Text only"


# FHIR system URIs for each code system (for the FHIR mapper).
SYSTEM_URIS: dict[str, str] = {
    CodeSystem.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    CodeSystem.SNOMED: "http://snomed.info/sct",
    CodeSystem.RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    CodeSystem.LOINC: "http://loinc.org",
    CodeSystem.CVX: "http://hl7.org/fhir/sid/cvx",
    CodeSystem.CPT: "http://www.ama-assn.org/go/cpt",
}

ENTERED_IN_ERROR = "entered-in-error"


class Coded(models.Model):
    """A coded concept: (code_system, code, display). `code` is blank for text-only entries."""

    code_system = models.CharField(max_length=12, choices=CodeSystem.choices, default="text")
    code = models.CharField(max_length=40, blank=True, db_index=True)
    display = models.CharField(max_length=300)

    class Meta:
        abstract = True


class ChartItem(BaseModel):
    """Common to every chart item: the patient, an external id, a version, an error reason."""

    source_identifier = models.CharField(max_length=200, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    error_reason = models.CharField(max_length=500, blank=True)

    # name of the field holding the status that can be "entered-in-error"
    STATUS_FIELD = "status"
    ITEM_TYPE = ""

    class Meta:
        abstract = True

    @property
    def is_entered_in_error(self) -> bool:
        return getattr(self, self.STATUS_FIELD) == ENTERED_IN_ERROR
