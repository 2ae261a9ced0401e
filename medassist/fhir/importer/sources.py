"""Where bundles come from: a .json file, a directory of them, or a .tar.xz / .tar.gz / .tar
archive of them (read as a stream, never unpacked to disk)."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

from medassist.core.errors import ValidationFailed

ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tar")
MAX_BUNDLE_BYTES = 200 * 1024 * 1024


def _is_archive(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in ARCHIVE_SUFFIXES)


def _json_members(path: Path) -> Iterator[tarfile.TarInfo]:
    with tarfile.open(path, mode="r|*") as tar:
        for member in tar:
            if member.isfile() and member.name.lower().endswith(".json"):
                yield member


def count_bundles(paths: list[Path]) -> int:
    """How many bundles `iter_bundles` will yield (archives are read once to count)."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for _ in path.rglob("*.json"))
        elif _is_archive(path):
            total += sum(1 for _ in _json_members(path))
        else:
            total += 1
    return total


def check_paths(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise ValidationFailed(f"{path}: no such file or directory.")
        if path.is_file() and not (_is_archive(path) or path.name.lower().endswith(".json")):
            raise ValidationFailed(
                f"{path}: give a .json Bundle, a directory of them, or a .tar.xz/.tar.gz of them."
            )


def iter_bundles(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(source name, raw bytes) of every bundle, in a stable order."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.json")):
                yield str(file), file.read_bytes()
        elif _is_archive(path):
            with tarfile.open(path, mode="r|*") as tar:
                for member in tar:
                    if not (member.isfile() and member.name.lower().endswith(".json")):
                        continue
                    name = f"{path.name}:{member.name}"
                    if member.size > MAX_BUNDLE_BYTES:
                        yield name, b""
                        continue
                    handle = tar.extractfile(member)
                    yield name, handle.read() if handle is not None else b""
        else:
            yield str(path), path.read_bytes()
