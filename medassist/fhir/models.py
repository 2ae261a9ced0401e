"""FHIR app models.

`SourceIdentifier` remembers, for every object an importer created, the identifier it had in the
system it came from (a Synthea bundle's `Patient.identifier`, or `urn:uuid:<fullUrl>` when a
resource has none). The importer looks these up to skip what it already loaded; the FHIR server
reads them back to emit a Patient's external identifiers."""

from __future__ import annotations

from django.db import models

from medassist.core.models import BaseModel


class SourceIdentifier(BaseModel):
    """One external identifier of one of our objects (patient, encounter, problem ...)."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    # The FHIR resource type in the source ("Patient", "Encounter", "Condition" ...).
    resource_type = models.CharField(max_length=64)
    # The public id of our object (Patient, Encounter, Problem ...) this identifier points to.
    object_public_id = models.UUIDField()
    # Identifier.system (a URI); "" when the source gave none.
    system = models.CharField(max_length=255, blank=True)
    value = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "resource_type", "system", "value"],
                name="fhir_source_identifier_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["clinic", "resource_type", "object_public_id"],
                name="fhir_srcid_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.system}|{self.value}"
