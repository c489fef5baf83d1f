"""Run the consistency engine over stored documents: load their facts, check, and store the flags (reviews kept).

Checks run one at a time per database (`models.db.exclusive`) and read the documents only once they hold the
lock. `check_pending` re-runs each rule over what the documents extracted since the last check can change
(pipeline.consistency.incremental) and stores exactly what `check_all`, a check of every document, would store;
it checks every document itself when it cannot tell what changed (a document replaced by another version, whose
earlier rows are gone; open flags of a rule no longer registered) or when most documents are new anyway.
"""

from __future__ import annotations

from models.claims import CheckReport, DocumentFacts
from models.db import exclusive
from pipeline.consistency import incremental
from pipeline.consistency.check import check, finish, matter_claims, rule_flags
from pipeline.consistency.claims import claims_for
from pipeline.consistency.footprint import footprint
from pipeline.consistency.link import _LETTER_SECTIONS, link_matters
from pipeline.consistency.rules import RULES
from pipeline.store import flags

#: Above this share of new documents, a check of every document costs about as much and is done instead.
FULL_SHARE = 0.25


def run_checks(url: str, touched: set[int] | None = None) -> int:
    """Check the matters touched by these versions (all when None); store the flags; return how many were raised."""
    with exclusive(url, "check"):
        extraction_ids = flags.extractions_of(url, touched)
        return _check(url, touched, extraction_ids).flags


def check_all(url: str) -> CheckReport:
    """Check every document and record every extraction not yet covered as checked."""
    with exclusive(url, "check"):
        return _check(url, None, flags.unchecked_extractions(url))


def check_pending(url: str) -> CheckReport:
    """When any extraction is not yet covered by a check, check what it can change and record it as checked.

    Whatever the number of processes that wrote the documents, and in whatever order, and however they were
    split into checks, the stored flags are those of one check over all of them.
    """
    with exclusive(url, "check"):
        return _pending(url, FULL_SHARE)


def check_incremental(url: str) -> CheckReport:
    """check_pending, re-checking only what changed however many documents are new."""
    with exclusive(url, "check"):
        return _pending(url, None)


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


class _Facts:
    """Full facts of checked documents, loaded once each, handed out in the order a check of all reads them."""

    def __init__(self, url: str, documents: dict[str, int]):
        self.url = url
        self.documents = documents
        self.rank = {path: i for i, path in enumerate(documents)}
        self.loaded: dict[str, DocumentFacts] = {}

    def get(self, paths: set[str]) -> list[DocumentFacts]:
        missing = [self.documents[p] for p in paths if p not in self.loaded]
        if missing:
            facts, _, _ = flags.load_facts(self.url, missing)
            self.loaded.update((f.document, f) for f in facts)
        return sorted((self.loaded[p] for p in paths if p in self.loaded), key=lambda f: self.rank[f.document])


def _pending(url: str, full_share: float | None) -> CheckReport:
    headers = flags.check_headers(url)
    marks = [h.extraction_id for h in headers if not h.checked]
    if not marks:
        return CheckReport(0, 0)
    current = {h.path: h.document_id for h in headers if h.current}
    added = {h.path for h in headers if h.current and not h.checked}
    departed = {h.document_id: h.path for h in headers if h.path not in current}
    if full_share is not None and len(added) > full_share * len(current):
        return _check(url, None, flags.unchecked_extractions(url))
    # A document with other versions may have been checked with other rows, which are gone: what it changed is unknown.
    replaced = any(n > 1 for n in flags.version_counts(url, [current[p] for p in added]).values()) if added else False
    unknown = flags.open_kinds(url) - {kind for r in RULES.values() for kind in r.kinds}
    if replaced or unknown:
        return _check(url, None, flags.unchecked_extractions(url))

    thin = flags.load_footprint_facts(url, _LETTER_SECTIONS)
    fps = {path: footprint(thin[document_id]) for path, document_id in current.items()}
    gone = {path: footprint(thin[document_id]) for document_id, path in departed.items()}
    loader = _Facts(url, current)
    matter_rules = [r for r in RULES.values() if r.input == "claims"]
    read = None if any(not r.claims for r in matter_rules) else {a for r in matter_rules for a in r.claims}

    def live(paths: set[str]) -> set[str]:
        return {f.document for f in loader.get(paths) if any(read is None or c.attribute in read for c in claims_for(f))}

    reach = incremental.plan(fps, added, gone, [r.scope for r in RULES.values()], live)
    raised = []
    claims: dict[str, list] = {}
    for r in RULES.values():
        unit = reach[r.scope]
        if not unit.context:
            continue
        docs = loader.get(unit.context)
        if r.input == "claims" and r.scope not in claims:
            claims[r.scope] = matter_claims(docs, link_matters(docs))
        raised += [f for f in rule_flags(r, docs, claims.get(r.scope, [])) if not unit.owned.isdisjoint(f.documents)]
    owned: dict[str, tuple[set[str], set[int]]] = {}
    for r in RULES.values():
        kinds, ids = owned.setdefault(r.scope, (set(), {current[p] for p in reach[r.scope].owned}))
        kinds.update(r.kinds)
    scopes = [(tuple(sorted(kinds)), ids) for kinds, ids in owned.values()]
    # Every open flag of an added document is raised again or stale, whatever its kind (as a check of all does).
    scopes.append((None, {current[p] for p in added}))
    count = flags.store_flags_within(
        url, finish(raised), current, scopes, set(departed), set(current.values()), marks
    )
    return CheckReport(len(marks), count)
