"""Pure mappers between our models and FHIR R4 (validated with fhir.resources.R4B)."""
