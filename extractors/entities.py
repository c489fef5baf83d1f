"""Who a document names: municipalities, deciding bodies (organ) and other issuers, found by spaCy rules.

A blank Swedish pipeline (`spacy.blank("sv")`, no trained model) with an
EntityRuler: body and organisation patterns are data
(`patterns/entities.jsonl`), municipality patterns are built from the official
list (`data/kommuner.csv`), each "Name kommun" / "Names stad" form tied to its
code. A custom component then links every span to its canonical value: the
municipality code, or the body name in base form. Every Entity records the
pattern id that found it.

A municipality counts only with its "kommun" / "stad" word: bare names such as
Lund, Berg or Vara are also surnames and common words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan

from extractors.bodies import normalise_body
from extractors.patternfile import PatternFileError, read_lines
from extractors.text import DocText, fold
from models.municipalities import registry
from models.records import Entity

LABELS = {"MUNICIPALITY": "municipality", "BODY": "body", "ORG": "organisation"}
_SUFFIXES = ("kommun", "kommuns", "stad", "stads")
# Canonical names of organisations written several ways (folded).
_ORG_NAMES = {
    "skl": "SKL", "skr": "SKR", "sveriges kommuner och landsting": "SKL", "sveriges kommuner och regioner": "SKR",
    "inspektionen for vard och omsorg": "IVO", "ivo": "IVO",
}
# Body nouns used on their own refer back to a body named elsewhere ("Nämnden beslutar"): no name of their own.
_GENERIC_BODIES = frozenset(
    {"namnden", "namnd", "styrelsen", "utskottet", "beredningen", "fullmaktige", "presidiet", "revisionen", "direktionen", "kommitten"}
)

if not SpacySpan.has_extension("value"):
    SpacySpan.set_extension("value", default=None)


def load_patterns(name: str = "entities") -> list[dict]:
    """The EntityRuler patterns of `patterns/<name>.jsonl`; spaCy validates each pattern when it is added."""
    patterns = []
    for number, row in read_lines(name):
        if not {"label", "id", "pattern"} <= row.keys():
            raise PatternFileError(f"{name}.jsonl:{number}: needs 'label', 'id' and 'pattern'")
        patterns.append(row)
    return patterns


def municipality_patterns() -> list[dict]:
    """Phrase patterns (matched on lower case) for every municipality: "Tyresö kommun", "Härnösands kommun",
    "Stockholms stad"; the id carries the code."""
    patterns = []
    for municipality in registry().municipalities:
        names = {municipality.name, municipality.name if municipality.name.endswith("s") else municipality.name + "s"}
        for name in sorted(names):
            for suffix in _SUFFIXES:
                patterns.append({"label": "MUNICIPALITY", "id": f"municipality:{municipality.code}", "pattern": f"{name} {suffix}"})
    return patterns


@Language.component("link_entities", assigns=["span._.value"])
def link_entities(doc: Doc) -> Doc:
    """Give every entity its canonical value; drop a municipality mention written all in lower case."""
    kept = []
    for ent in doc.ents:
        if ent.label_ == "MUNICIPALITY":
            if not ent.text[:1].isupper():
                continue
            ent._.value = ent.ent_id_.split(":", 1)[1]
        elif ent.label_ == "BODY":
            ent._.value = normalise_body(ent.text)
            if fold(ent._.value) in _GENERIC_BODIES:
                continue
        elif ent.label_ == "ORG":
            ent._.value = _organisation(ent.text)
        kept.append(ent)
    doc.ents = kept
    return doc


def _organisation(text: str) -> str:
    """Canonical organisation name: "Sveriges kommuner och landsting" -> "SKL", "Region Värmlands" -> "Region Värmland",
    "Socialstyrelsens" -> "Socialstyrelsen"."""
    text = " ".join(text.split()).removesuffix(":s")
    known = _ORG_NAMES.get(fold(text))
    if known:
        return known
    words = text.split(" ")
    if words[-1].endswith("s") and words[-1] != "län" and (words[0] == "Region" or fold(words[-1]).endswith(("styrelsens", "kassans", "myndighetens", "verkets", "kollegiets", "formedlingens"))):
        words[-1] = words[-1][:-1]
    return " ".join(words)


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The blank Swedish pipeline with the entity rules (built once per process)."""
    pipeline = spacy.blank("sv")
    # Phrase patterns go through spaCy's PhraseMatcher (hash lookups): token patterns for 290 names cost 2 s a document.
    ruler = pipeline.add_pipe("entity_ruler", config={"validate": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(load_patterns() + municipality_patterns())
    pipeline.add_pipe("link_entities")
    return pipeline


def _rule(ent: SpacySpan) -> str:
    return "municipality_name" if ent.label_ == "MUNICIPALITY" else ent.ent_id_


def entities_of(doc: Doc) -> Iterable[tuple[str, str, str, str, int, int]]:
    """(label, text, value, rule, start, end) for every entity of a processed Doc; offsets are characters."""
    for ent in doc.ents:
        yield LABELS[ent.label_], ent.text, ent._.value, _rule(ent), ent.start_char, ent.end_char


def extract_entities(doc: DocText) -> list[Entity]:
    """Every municipality, body and organisation the document names, with page spans, in reading order."""
    processed = nlp()(doc.text)
    return [
        Entity(label=label, text=text, value=value, rule=rule, span=doc.span(start, end))
        for label, text, value, rule, start, end in entities_of(processed)
    ]
