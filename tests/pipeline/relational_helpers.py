"""Building blocks for relational tests: a stored document version and the real extraction of a seed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select

from models.db import session_scope
from models.records import Extraction, PageMethod, PageText
from models.schema import Document, DocumentVersion
from pipeline.store.rows import store_records

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"


@lru_cache(maxsize=None)
def seed_extraction(prefix: str) -> Extraction:
    """The real extractors run on a seed text (one page, as the text loader stores it)."""
    from extractors.document import extract_document

    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return extract_document([PageText(number=1, text=path.read_text(encoding="utf-8"), method=PageMethod.TEXT)])


def store(url: str, path: str, extraction: Extraction, sha256: str | None = None) -> tuple[int, int]:
    """Store `extraction` as a new version of the document at `path`; returns (document_id, version_id)."""
    with session_scope(url) as session:
        document = session.scalar(select(Document).where(Document.path == path))
        if document is None:
            document = Document(path=path, status="ok")
            session.add(document)
            session.flush()
        number = (session.scalar(select(func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document.id)) or 0) + 1
        version = DocumentVersion(document_id=document.id, version=number, sha256=sha256 or f"{path}#{number}".ljust(64, "0")[:64], size=1, status="ok")
        session.add(version)
        session.flush()
        store_records(session, version.id, document.id, extraction)
        return document.id, version.id


def count(url: str, model, *where) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))
