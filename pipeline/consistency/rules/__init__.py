"""Consistency rules, one module per family, each rule a small named function.

A rule reads either the claims of one matter (`input="claims"`) or the
documents' own records (`input="facts"`) and returns Flags.  Every module
exposes `RULES`; this package merges them into one registry, keyed by name.

Each rule also says how it pairs documents (`scope`), the kinds of flag it
raises and, for claim rules, the claim attributes it reads: the incremental
check (pipeline.consistency.incremental) re-runs a rule only over the
documents a change can reach through that scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.claims import Claim, DocumentFacts, Flag

#: A flag depends on its one document alone.
DOCUMENT = "document"
#: On the claims of every document of its matter (pipeline.consistency.link), and the matter's id.
MATTER = "matter"
#: On a § of one document and the cover of the same body and meeting date in another (body + meeting date).
COVER = "cover"
#: On a reference of one document and the cover or § it names in another (body + date, body + § + year).
REFERENCE = "reference"
#: On every document printing the same case key (extractors.case_numbers.case_key, with a register).
CASE = "case"
#: On a vote of one document and the first närvarolista of the same body and meeting date (body + date).
ROLL_CALL = "roll_call"
#: On every närvarolista of the same body (its largest one gives the body's seats).
BODY = "body"

SCOPES = (DOCUMENT, MATTER, COVER, REFERENCE, CASE, ROLL_CALL, BODY)


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its name, the severity it usually emits, what it reads and how it pairs documents."""

    name: str
    severity: str
    function: Callable[..., list[Flag]]
    input: str = "claims"
    scope: str = DOCUMENT
    kinds: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    def __call__(self, data: list[Claim] | list[DocumentFacts]) -> list[Flag]:
        return self.function(data)


def rule(
    registry: dict[str, Rule],
    name: str,
    severity: str,
    input: str = "claims",
    scope: str = DOCUMENT,
    kinds: tuple[str, ...] = (),
    claims: tuple[str, ...] = (),
):
    """Decorator registering a rule function in a module's registry (`kinds` defaults to the rule's name)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if (input == "claims") != (scope == MATTER):
        raise ValueError(f"{name}: claim rules, and they alone, are scoped by matter")

    def register(function: Callable[..., list[Flag]]) -> Callable[..., list[Flag]]:
        registry[name] = Rule(name, severity, function, input, scope, kinds or (name,), claims)
        return function

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule of every family, by name."""
    from pipeline.consistency.rules import arithmetic, attendance, dates, procedure, references, values

    merged: dict[str, Rule] = {}
    for module in (values, dates, arithmetic, references, procedure, attendance):
        merged.update(module.RULES)
    return merged


RULES: dict[str, Rule] = all_rules()
