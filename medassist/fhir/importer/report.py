"""What an import did: counts per resource type (loaded, already present, not imported), the
reason for everything not imported, and the bundles that failed as a whole."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class BundleResult:
    source: str
    ok: bool = True
    message: str = ""
    patient_public_id: str = ""
    loaded: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    # (resource type, general reason) -> count; for whole kinds of resources ("Claim: ...")
    kind_reasons: Counter = field(default_factory=Counter)
    # one line per single resource not imported ("Observation 123: no value")
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0  # chart rows written (a blood pressure panel gives two)

    def skip(self, resource_type: str, reason: str, *, resource_id: str | None = None) -> None:
        self.skipped[resource_type] += 1
        if resource_id is None:
            self.kind_reasons[(resource_type, reason)] += 1
        else:
            self.details.append(f"{resource_type} {resource_id}: {reason}")

    @property
    def resources(self) -> int:
        return sum(self.loaded.values()) + sum(self.present.values()) + sum(self.skipped.values())


@dataclass
class ImportReport:
    bundles: list[BundleResult] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: BundleResult) -> None:
        self.bundles.append(result)

    @property
    def failed(self) -> list[BundleResult]:
        return [b for b in self.bundles if not b.ok]

    @property
    def succeeded(self) -> list[BundleResult]:
        return [b for b in self.bundles if b.ok]

    def _sum(self, name: str) -> Counter:
        total: Counter = Counter()
        for b in self.succeeded:
            total.update(getattr(b, name))
        return total

    @property
    def loaded(self) -> Counter:
        return self._sum("loaded")

    @property
    def present(self) -> Counter:
        return self._sum("present")

    @property
    def skipped(self) -> Counter:
        return self._sum("skipped")

    @property
    def kind_reasons(self) -> Counter:
        return self._sum("kind_reasons")

    @property
    def details(self) -> list[str]:
        return [f"{b.source}: {line}" for b in self.succeeded for line in b.details]

    @property
    def resources(self) -> int:
        """Resources read from the bundles that loaded (whatever happened to each)."""
        return sum(b.resources for b in self.succeeded)

    @property
    def rows(self) -> int:
        return sum(b.rows for b in self.succeeded)

    def render(self, *, max_details: int = 200) -> str:
        lines = []
        ok, bad = len(self.succeeded), len(self.failed)
        lines.append(f"Bundles: {ok} imported, {bad} failed (nothing loaded from those).")
        loaded, present, skipped = self.loaded, self.present, self.skipped
        types = sorted(set(loaded) | set(present) | set(skipped))
        if types:
            width = max(len(t) for t in types)
            lines.append("")
            lines.append(
                f"{'resource':<{width}}  {'loaded':>8}  {'present':>8}  {'not imported':>12}"
            )
            for t in types:
                lines.append(f"{t:<{width}}  {loaded[t]:>8}  {present[t]:>8}  {skipped[t]:>12}")
            lines.append(
                f"{'total':<{width}}  {sum(loaded.values()):>8}  {sum(present.values()):>8}"
                f"  {sum(skipped.values()):>12}"
            )
        reasons = self.kind_reasons
        if reasons:
            lines.append("")
            lines.append("Not imported:")
            for (rtype, reason), n in sorted(reasons.items()):
                lines.append(f"  {rtype}: {reason} ({n})")
        details = self.details
        if details:
            lines.append("")
            lines.append(f"Single resources not imported ({len(details)}):")
            for line in details[:max_details]:
                lines.append(f"  {line}")
            if len(details) > max_details:
                lines.append(f"  … and {len(details) - max_details} more")
        notes = [f"{b.source}: {n}" for b in self.succeeded for n in b.notes]
        if notes:
            lines.append("")
            lines.append("Notes:")
            lines.extend(f"  {n}" for n in notes[:max_details])
            if len(notes) > max_details:
                lines.append(f"  … and {len(notes) - max_details} more")
        if self.failed:
            lines.append("")
            lines.append("Failed bundles (nothing loaded):")
            for b in self.failed:
                lines.append(f"  {b.source}: {b.message}")
        if self.seconds:
            lines.append("")
            rate = self.resources / self.seconds if self.seconds else 0.0
            lines.append(
                f"{self.resources:,} resources in {self.seconds:.1f} s ({rate:,.0f} resources/s)"
            )
        return "\n".join(lines)


class BadBundle(Exception):
    """The bundle as a whole cannot be imported (not JSON, no Patient, an invalid resource…);
    nothing of it is saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
