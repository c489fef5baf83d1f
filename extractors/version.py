"""The extractors' version: a digest of their code and patterns, so stored pages are extracted again whenever a
rule changes (stored extractions are keyed by it)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def _extractor_version() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("*.py"), *root.glob("patterns/*.jsonl")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]  # the width of extractions.extractor_version


EXTRACTOR_VERSION = _extractor_version()
