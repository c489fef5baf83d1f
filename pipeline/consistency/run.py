"""Run the consistency engine over stored documents: load their facts, check, and store the flags (reviews kept).

Checks run one at a time per database (`models.db.exclusive`).
"""

from __future__ import annotations

from models.claims import CheckReport, DocumentFacts
from models.db import exclusive
from pipeline.consistency.check import check
from pipeline.consistency.link import link_matters
from pipeline.store import flags


def run_checks(url: str, touched: set[int] | None = None) -> int:
    """Check the matters touched by these versions (all when None); store the flags; return how many were raised."""
    with exclusive(url, "check"):
        extraction_ids = flags.extractions_of(url, touched)
        return _check(url, touched, extraction_ids).flags


def check_pending(url: str) -> CheckReport:
    """When any extraction is not yet covered by a check, check every document and record them as checked.

    Checks run one at a time per database (`models.db.exclusive`) and read the documents only once they hold
    the lock, so the last check sees every document extracted before it: whatever the number of processes
    that wrote them, and in whatever order, the stored flags are those of one check over all of them.
    """
    with exclusive(url, "check"):
        pending = flags.unchecked_extractions(url)
        if not pending:
            return CheckReport(0, 0)
        # Every document, not only the matters of the pending ones: rules over all facts (a § outside the range
        # of another document's cover) pair documents of different matters, so a check of some matters alone
        # would keep or drop flags according to which documents happened to be checked together.
        report = _check(url, None, pending)
        return CheckReport(len(pending), report.flags)


def _check(url: str, touched: set[int] | None, extraction_ids: list[int]) -> CheckReport:
    """Run the engine over the matters of `touched` versions (all when None), store its flags and mark the
    extractions covered, in one transaction: a check stopped half-way leaves them unchecked."""
    facts, by_version, document_ids = flags.load_facts(url)
    touched_paths = None if touched is None else {by_version[v] for v in touched if v in by_version}
    raised = check(facts, touched=touched_paths)
    checked = {f.document for f in facts} if touched_paths is None else _matter_documents(facts, touched_paths)
    flags.store_flags(url, raised, document_ids, checked, extraction_ids)
    return CheckReport(len(extraction_ids), len(raised))


def _matter_documents(facts: list[DocumentFacts], touched: set[str]) -> set[str]:
    matters = link_matters(facts)
    wanted = {matters[d] for d in touched if d in matters}
    return {doc for doc, matter in matters.items() if matter in wanted}
