"""Import FHIR R4 bundles (e.g. Synthea) into the chart. See docs/fhir.md, "Import"."""

from .loader import PERMISSION, import_bundle, import_paths
from .report import BundleResult, ImportReport

__all__ = ["PERMISSION", "BundleResult", "ImportReport", "import_bundle", "import_paths"]
