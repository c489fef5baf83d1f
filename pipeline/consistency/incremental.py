"""Which documents an incremental check re-runs each rule scope over, so that it stores what a check of every
document would store.

A check of every document raises Full(U) over the documents U and marks stale every open flag citing one of
them that it does not raise again. After the documents `added` are extracted (and the `departed` ones no longer
are), the flags of a scope can change only for the documents that scope pairs with those (footprints, read from
the rows). For each scope this module gives two sets of documents:

- `owned`: the documents whose flags of the scope's kinds the check raises again, all of them: every flag of
  Full(U) of those kinds citing an owned document, and no other flag. Every flag that can have changed cites an
  owned document (or a departed one, pipeline.store.flags.store_flags_within). `added` is always owned.
- `context`: the documents whose facts the scope's rules are run over for that: the owned ones and all those
  their flags depend on.

Scopes (pipeline.consistency.rules.SCOPES):

- document: a flag depends on its document alone: owned = context = added.
- cover, reference: a flag depends on the two documents it cites (a § or a reference, and the cover or § it
  meets): owned = added; context = added and the documents with a record that pairs with one of theirs.
- case: a flag depends on every document printing its case key: owned = added and the documents printing a key
  of an added or departed one; context = the documents printing a key of an owned one.
- roll_call: a vote's flag depends on the first närvarolista of the same body and date: owned = added and the
  documents voting where an added or departed document holds a närvarolista; context adds the documents with a
  närvarolista where an owned one votes.
- body: a närvarolista's flag depends on every närvarolista of its body (the largest gives the seats), and only
  a list showing more voting members than its own seats can be flagged: owned = added and the documents with such
  a list of the body of an added or departed one; context adds every list of the bodies of those.
- matter: a flag depends on its matter's id (its first document) and on the claims the matter rules read of its
  documents. The pieces are the matters of the documents not added; a departed or added document joins or used
  to join some of them. A matter made of the same pieces as before, under the same id, whose added documents make
  no such claims, raises what it raised; one made of several pieces raises what its first piece raised when the
  other pieces make no such claims either. Every other matter an added or departed document touches is changed:
  owned = added and the documents of the changed matters; context = the documents of the changed matters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline.consistency.footprint import Footprint
from pipeline.consistency.link import LinkIndex, _UnionFind, same_body
from pipeline.consistency.rules import BODY, CASE, COVER, DOCUMENT, MATTER, REFERENCE, ROLL_CALL

#: The documents, of those asked, that make a claim some matter rule reads.
Live = Callable[[set[str]], set[str]]


@dataclass(slots=True)
class Reach:
    """What one scope re-runs: its rules over `context`, keeping (and owning) the flags that cite `owned`."""

    owned: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)


class _Bodies:
    """same_body, remembered: a check compares few distinct names many times."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str | None, str | None], bool] = {}

    def same(self, a: str | None, b: str | None) -> bool:
        key = (a, b) if (a or "") <= (b or "") else (b, a)
        if key not in self._seen:
            self._seen[key] = same_body(a, b)
        return self._seen[key]


def _by(pairs: Iterable[tuple[object, object, str]]) -> dict[object, list[tuple[object, str]]]:
    grouped: dict[object, list[tuple[object, str]]] = {}
    for key, value, document in pairs:
        grouped.setdefault(key, []).append((value, document))
    return grouped


def _document(added: set[str]) -> Reach:
    return Reach(set(added), set(added))


def _cover(fps: dict[str, Footprint], added: set[str], bodies: _Bodies) -> Reach:
    covers = _by((day, body, d) for d, f in fps.items() for body, day in f.covers)
    paragraphs = _by((day, body, d) for d, f in fps.items() for body, day, _ in f.paragraphs)
    context = set(added)
    for t in added:
        for body, day, _ in fps[t].paragraphs:
            context.update(d for b, d in covers.get(day, ()) if bodies.same(b, body))
        for body, day in fps[t].covers:
            context.update(d for b, d in paragraphs.get(day, ()) if bodies.same(b, body))
    return Reach(set(added), context)


def _reference(fps: dict[str, Footprint], added: set[str], bodies: _Bodies) -> Reach:
    covers = _by((day, body, d) for d, f in fps.items() for body, day in f.covers)
    paragraphs = _by(((p, day.year), body, d) for d, f in fps.items() for body, day, p in f.paragraphs)
    refs_by_day = _by((day, body, d) for d, f in fps.items() for body, day, _ in f.references)
    refs_by_paragraph = _by(((p, day.year), body, d) for d, f in fps.items() for body, day, p in f.references)
    context = set(added)
    for t in added:
        f = fps[t]
        for body, day, p in f.references:
            context.update(d for b, d in covers.get(day, ()) if bodies.same(b, body))
            context.update(d for b, d in paragraphs.get((p, day.year), ()) if bodies.same(b, body))
        for body, day in f.covers:
            context.update(d for b, d in refs_by_day.get(day, ()) if bodies.same(b, body))
        for body, day, p in f.paragraphs:
            context.update(d for b, d in refs_by_paragraph.get((p, day.year), ()) if bodies.same(b, body))
    return Reach(set(added), context)


def _case(fps: dict[str, Footprint], added: set[str], departed: dict[str, Footprint]) -> Reach:
    groups: dict[object, list[str]] = {}
    for d, f in fps.items():
        for key in f.registered:
            groups.setdefault(key, []).append(d)
    changed = {key for f in [fps[t] for t in added] + list(departed.values()) for key in f.registered}
    owned = set(added).union(*(groups.get(key, ()) for key in changed))
    context = set(owned).union(*(groups[key] for d in owned for key in fps[d].registered))
    return Reach(owned, context)


def _roll_call(fps: dict[str, Footprint], added: set[str], departed: dict[str, Footprint], bodies: _Bodies) -> Reach:
    rolls = _by((day, body, d) for d, f in fps.items() for body, day in f.roll_calls)
    votes = _by((day, body, d) for d, f in fps.items() for body, day in f.votes)
    owned = set(added)
    for f in [fps[t] for t in added] + list(departed.values()):
        for body, day in f.roll_calls:
            owned.update(d for b, d in votes.get(day, ()) if bodies.same(b, body))
    context = set(owned)
    for d in owned:
        for body, day in fps[d].votes:
            context.update(r for b, r in rolls.get(day, ()) if bodies.same(b, body))
    return Reach(owned, context)


def _body(fps: dict[str, Footprint], added: set[str], departed: dict[str, Footprint], bodies: _Bodies) -> Reach:
    lists = [(body, crowded, d) for d, f in fps.items() for body, crowded in f.seats]
    changed = {body for f in [fps[t] for t in added] + list(departed.values()) for body, _ in f.seats}
    owned = set(added)
    owned.update(d for body, crowded, d in lists if crowded and any(bodies.same(body, c) for c in changed))
    crowded_bodies = {body for d in owned for body, crowded in fps[d].seats if crowded}
    context = set(owned)
    context.update(d for body, _, d in lists if any(bodies.same(body, c) for c in crowded_bodies))
    return Reach(owned, context)


def _matter(fps: dict[str, Footprint], added: set[str], departed: dict[str, Footprint], live: Live) -> Reach:
    index = LinkIndex(f.link for d, f in fps.items() if d not in added)
    piece_of = index.components()
    pieces: dict[str, list[str]] = {}
    for d, root in piece_of.items():
        pieces.setdefault(root, []).append(d)
    # A departed document's claims are not read again: whatever it joined is taken as changed.
    tainted = {piece_of[n] for f in departed.values() for n in index.neighbours(f.link)}
    among_added = LinkIndex(fps[t].link for t in added)
    groups = _UnionFind(sorted(set(added) | tainted | {piece_of[n] for t in added for n in index.neighbours(fps[t].link)}))
    for t in added:
        for n in index.neighbours(fps[t].link):
            groups.union(t, piece_of[n])
        for other in among_added.neighbours(fps[t].link):
            groups.union(t, other)
    matters: dict[str, tuple[set[str], set[str]]] = {}
    for node in groups.parent:
        joined, parts = matters.setdefault(groups.find(node), (set(), set()))
        (joined if node in added else parts).add(node)
    speaking = live(set(added))
    changed: set[str] = set()
    for joined, parts in matters.values():
        if not _unchanged(joined, parts, tainted, speaking, pieces, live):
            changed |= joined.union(*(pieces[p] for p in parts))
    return Reach(set(added) | changed, changed)


def _unchanged(
    joined: set[str], parts: set[str], tainted: set[str], speaking: set[str], pieces: dict[str, list[str]], live: Live
) -> bool:
    """Whether the matter of the added documents `joined` and the pieces `parts` raises what its pieces raised."""
    if parts & tainted or joined & speaking:
        return False
    if not parts:
        return True
    # Pieces are named by their first document, so the matter's first document is the first of these.
    first = min(joined | parts)
    if first in joined:
        return False
    others = parts - {first}
    return not others or not live(set().union(*(pieces[p] for p in others)))


def plan(
    fps: dict[str, Footprint], added: set[str], departed: dict[str, Footprint], scopes: Iterable[str], live: Live
) -> dict[str, Reach]:
    """What each scope re-runs, given every checked document's footprint (`fps`, the added ones included), the
    added documents and the departed ones' footprints as last checked."""
    bodies = _Bodies()
    reach: dict[str, Reach] = {}
    for scope in dict.fromkeys(scopes):
        if scope == DOCUMENT:
            reach[scope] = _document(added)
        elif scope == COVER:
            reach[scope] = _cover(fps, added, bodies)
        elif scope == REFERENCE:
            reach[scope] = _reference(fps, added, bodies)
        elif scope == CASE:
            reach[scope] = _case(fps, added, departed)
        elif scope == ROLL_CALL:
            reach[scope] = _roll_call(fps, added, departed, bodies)
        elif scope == BODY:
            reach[scope] = _body(fps, added, departed, bodies)
        elif scope == MATTER:
            reach[scope] = _matter(fps, added, departed, live)
        else:
            raise ValueError(f"unknown scope {scope!r}")
    return reach
