"""The consistency stage: claims -> matters -> rules -> flags.

`check` builds every document's claims, links documents into matters, runs
each registered rule, downgrades conflicts an erratum explains and removes
duplicate flags (same identity).  Given `touched`, only the matters those
documents belong to are checked again.  A claim rule is given only the claim
attributes it declares (Rule.claims), and may raise only the kinds it declares:
the incremental check (pipeline.consistency.incremental) relies on both.
"""

from __future__ import annotations

from models.claims import Claim, DocumentFacts, Flag
from pipeline.consistency.claims import claims_for, with_matter
from pipeline.consistency.link import link_matters
from pipeline.consistency.rules import RULES, Rule
from pipeline.consistency.rules.values import explain_by_errata


def matter_claims(docs: list[DocumentFacts], matters: dict[str, str]) -> list[Claim]:
    """Every document's claims, placed in the document's matter."""
    return [with_matter(c, matters[facts.document]) for facts in docs for c in claims_for(facts)]


def _dedupe(flags: list[Flag]) -> list[Flag]:
    seen: dict[str, Flag] = {}
    for f in flags:
        seen.setdefault(f.identity, f)
    return list(seen.values())


def _ordered(flags: list[Flag]) -> list[Flag]:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(flags, key=lambda f: (rank[f.severity], f.kind, f.matter or "", f.values, f.identity))


def check(
    docs: list[DocumentFacts],
    touched: set[str] | None = None,
    rules: dict[str, Rule] | None = None,
) -> list[Flag]:
    """Flags for the documents; with `touched`, only for the matters involving those documents."""
    rules = RULES if rules is None else rules
    matters = link_matters(docs)
    if touched is not None:
        wanted = {matters[d.document] for d in docs if d.document in touched}
        docs = [d for d in docs if matters[d.document] in wanted]
    claims = matter_claims(docs, matters)
    flags: list[Flag] = []
    for r in rules.values():
        flags += rule_flags(r, docs, claims)
    return finish(flags)


def rule_flags(rule: Rule, docs: list[DocumentFacts], claims: list[Claim]) -> list[Flag]:
    """One rule's flags over these documents (facts rules) or claims (claim rules, only the attributes it reads)."""
    if rule.input == "claims":
        raised = rule([c for c in claims if c.attribute in rule.claims] if rule.claims else claims)
    else:
        raised = rule(docs)
    stray = {f.kind for f in raised} - set(rule.kinds)
    if stray:
        raise ValueError(f"rule {rule.name} raised kinds it does not declare: {sorted(stray)}")
    return raised


def finish(flags: list[Flag]) -> list[Flag]:
    """Every rule's flags, in rule order: errata explain conflicts, one flag per identity, most severe first."""
    return _ordered(_dedupe(explain_by_errata(flags)))
