"""Consistency rules, one module per family, each rule a small named function.

A rule reads either the claims of one matter (`input="claims"`) or the
documents' own records (`input="facts"`) and returns Flags.  Every module
exposes `RULES`; this package merges them into one registry, keyed by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.claims import Claim, DocumentFacts, Flag


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its name, the severity it usually emits and what it reads."""

    name: str
    severity: str
    function: Callable[..., list[Flag]]
    input: str = "claims"

    def __call__(self, data: list[Claim] | list[DocumentFacts]) -> list[Flag]:
        return self.function(data)


def rule(registry: dict[str, Rule], name: str, severity: str, input: str = "claims"):
    """Decorator registering a rule function in a module's registry."""

    def register(function: Callable[..., list[Flag]]) -> Callable[..., list[Flag]]:
        registry[name] = Rule(name, severity, function, input)
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
