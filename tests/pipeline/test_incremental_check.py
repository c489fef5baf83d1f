"""The incremental check stores what a check of every document stores, whatever the order and batches of an ingest.

The corpus: the five seeds, the gold variants and generated protocols, some of them altered so that every scope
pairs documents across files: a närvarolista crowded by a substitute serving for a member who is present (its
too_many_members flag holds only while no larger list of the body is checked), a recount whose vote exceeds
the members present (and whose own list is one member short, so its flag depends on which list is read first),
a case number printed with a damaged register code in a second file and with another label in a third, an
extract citing a § outside another municipality's cover, inert protocols joining the seeds' matter by case
numbers and renaming it. The seeds add a matter named after a letter
that sorts first, and the variants a § outside another municipality's cover and a vote counted against it.

After every batch the database is copied: the copy is checked in full (check_all, the oracle of each step),
the original incrementally, and the stored flags (identity, status, severity, message, values, evidence and the
documents each cites) must be the same; at the end the open flags are those of
pipeline.consistency.check.check over every document's facts.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.schema import Document, FlagDocument, FlagRecord
from pipeline import steps
from pipeline.consistency import run
from pipeline.consistency.check import check
from pipeline.consistency.footprint import footprint
from pipeline.consistency.link import _LETTER_SECTIONS, _case_numbers, link_matters, same_body, similar_titles, titles
from pipeline.settings import Settings
from pipeline.store import flags
from extractors.case_numbers import case_key
from tests.fixtures import copy_database, release_database

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "samples"))
from protocol_generator import generate  # noqa: E402

GENERATED = (2, 4, 5, 9, 12, 13, 20, 24, 29, 30, 34, 37)


def _crowded(text: str, chair: str) -> str:
    """A substitute now serves for the chair, who is present."""
    return re.sub(
        r"(tjänstgörande ersättare för|tjg ers för|ersätter|tjänstgör för) ([^()\n]+?)(?= \(|$)",
        lambda m: f"{m[1]} {chair}", text, count=1, flags=re.M,
    )


def _recount(text: str, dropped: str) -> str:
    """Three more yes votes, and one member fewer on the list."""
    text = re.sub(r"(\d+)( ja-röster| Ja-röster| ledamöter röstar ja)", lambda m: f"{int(m[1]) + 3}{m[2]}", text)
    return re.sub(rf"(?m)^(\s*){re.escape(dropped)} \([^)]*\)\s*$\n", "", text, count=1)


def corpus() -> dict[str, str]:
    """File name -> text of every document of the test."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "samples" / "seeds").glob("*.txt"))}
    texts |= {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "benchmarks" / "gold" / "variants").glob("*.txt"))}
    protocols = {n: generate(n) for n in GENERATED}
    texts |= {f"gen{n:02d}.txt": p.text for n, p in protocols.items()}
    texts["gen29_crowded.txt"] = _crowded(protocols[29].text, protocols[29].gold["chair"])
    texts["gen12_recount.txt"] = _recount(protocols[12].text, protocols[12].gold["members"][-2])
    texts["gen09_damaged.txt"] = protocols[9].text.replace("VON 2019", "VÖN 2019", 1)
    texts["goteborg_cites_tomelilla.txt"] = texts["goteborg_ks_extract.txt"].replace("den 28 augusti 2024, § 596", "den 11 september 2024, § 596")
    texts["gen09_relabelled.txt"] = protocols[9].text.replace("Dnr: VON 2019", "Diarienummer: VON 2019", 1)
    # Inert protocols (no claim a matter rule reads) that join the seeds' matter through case numbers: a bridge
    # printing a case of the bundle and one of a register that sorts first, and a register sorting before that.
    register, bridge, first = generate(50), generate(51), generate(52)
    cases = [i["case_number"] for i in register.gold["items"] if i["case_number"]]
    texts["0000_b_register.txt"] = register.text
    bridged = [i["case_number"] for i in bridge.gold["items"] if i["case_number"]]
    texts["zz_bridge.txt"] = bridge.text.replace(bridged[0], "2019/KS 0222", 1).replace(bridged[1], cases[0], 1)
    texts["0000_a_register.txt"] = first.text.replace(next(i["case_number"] for i in first.gold["items"] if i["case_number"]), cases[1], 1)
    return texts


def ingest(url: str, paths: list[Path]) -> None:
    """Read and extract each file as an ingest does, without checking."""
    settings = Settings(database_url=url)
    for path in paths:
        outcome = steps.finish_document(steps.start_document(str(path), settings), [], settings)
        steps.extract_version(url, outcome.version_id)


def stored(url: str) -> dict[str, tuple]:
    """Every stored flag by identity: status, what it says and the documents it cites."""
    with session_scope(url) as session:
        cited: dict[int, list[str]] = {}
        for flag_id, path in session.execute(
            select(FlagDocument.flag_id, Document.path).join(Document, Document.id == FlagDocument.document_id)
        ):
            cited.setdefault(flag_id, []).append(path)
        return {
            r.identity: (str(r.status), r.kind, str(r.severity), r.message, r.matter, r.values, r.evidence, sorted(cited.get(r.id, [])))
            for r in session.scalars(select(FlagRecord))
        }


def oracle(url: str) -> dict[str, tuple]:
    """The flags of one check over every stored document's facts, as they would be stored."""
    facts, _, _ = flags.load_facts(url)
    return {
        f.identity: ("open", f.kind, str(f.severity), f.message, f.matter, list(f.values),
                     [flags._evidence(e) for e in f.evidence], f.documents)
        for f in check(facts)
    }


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return corpus()


@pytest.fixture
def never_full(monkeypatch):
    """Fail when check_incremental falls back to checking every document."""
    calls: list[str] = []
    real = run._check

    def spy(url, touched, extraction_ids):
        calls.append(url)
        return real(url, touched, extraction_ids)

    monkeypatch.setattr(run, "_check", spy)
    return calls


def _batches(rng: random.Random, names: list[str]) -> list[list[str]]:
    names = names[:]
    rng.shuffle(names)
    batches = []
    while names:
        size = rng.choice((1, 1, 2, 3, 5, 8))
        batches.append(names[:size])
        names = names[size:]
    return batches


def _equivalent_steps(url: str, folder: Path, texts: dict[str, str], batches: list[list[str]], never_full: list[str]) -> set[str]:
    """Ingest the batches, checking a copy in full and the database incrementally after each; the kinds seen open."""
    folder.mkdir(exist_ok=True)
    seen: set[str] = set()
    for number, batch in enumerate(batches):
        paths = []
        for name in batch:
            (folder / name).write_text(texts[name], encoding="utf-8")
            paths.append(folder / name)
        ingest(url, paths)
        full = copy_database(url, folder.parent)
        try:
            run.check_all(full)
            del never_full[:]
            run.check_incremental(url)
            assert never_full == [], "the incremental check fell back to a check of every document"
            assert stored(url) == stored(full), f"batch {number} {batch}"
            seen |= {v[1] for v in stored(url).values() if v[0] == "open"}
        finally:
            release_database(full)
    assert {k: v for k, v in stored(url).items() if v[0] == "open"} == oracle(url)
    assert flags.unchecked_documents(url) == []
    return seen


@pytest.mark.sqlite_only
@pytest.mark.parametrize("order", [1, 2, 3])
def test_incremental_checks_store_what_full_checks_store(database_url, tmp_path, texts, never_full, order):
    rng = random.Random(order)
    _equivalent_steps(database_url, tmp_path / "docs", texts, _batches(rng, sorted(texts)), never_full)


def test_incremental_checks_on_both_backends(database_url, tmp_path, texts, never_full):
    # Extracts voting at and citing a meeting whose cover is stored already come late, then a third printing of a
    # damaged case, changing the case's flag; the larger list of Kommunstyrelsen
    # clears the crowded one's flag; then the letter that names
    # the seeds' matter, renaming it under the flags already stored; then a bridge merging the matter into the
    # register's, which sorts first, and a register sorting before that, each naming the matter anew.
    late = ["goteborg_ks_extract.txt", "goteborg_cites_tomelilla.txt", "gen09_relabelled.txt", "gen29.txt", "000_a22a12a289bbcf3c.txt", "0000_b_register.txt", "zz_bridge.txt", "0000_a_register.txt"]
    names = [n for n in sorted(texts) if n not in late]
    batches = [names[i:i + 6] for i in range(0, len(names), 6)] + [[n] for n in late]
    seen = _equivalent_steps(database_url, tmp_path / "docs", texts, batches, never_full)
    assert {
        "conflicting_period", "paragraph_out_of_range", "reference_mismatch", "vote_count_mismatch", "case_number_variant", "too_many_members",
    } <= seen


@pytest.mark.sqlite_only
def test_one_document_at_a_time_loads_only_its_neighbourhood(database_url, tmp_path, texts, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    names = [n for n in sorted(texts) if n.startswith("gen")]
    for name in names:
        (folder / name).write_text(texts[name], encoding="utf-8")
    ingest(database_url, [folder / n for n in names])
    run.check_all(database_url)
    loaded: list[int] = []
    real = flags.load_facts

    def counting(url, documents=None):
        result = real(url, documents)
        loaded.append(len(result[0]))
        return result

    monkeypatch.setattr(flags, "load_facts", counting)
    (folder / "zz_new.txt").write_text(generate(1234).text, encoding="utf-8")
    ingest(database_url, [folder / "zz_new.txt"])
    run.check_pending(database_url)
    assert 0 < sum(loaded) < len(names) / 2
    assert flags.unchecked_documents(database_url) == []


@pytest.mark.sqlite_only
def test_a_replaced_or_departed_document_is_checked_as_a_check_of_all_would(database_url, tmp_path, texts):
    folder = tmp_path / "docs"
    folder.mkdir()
    names = ["001_5b71f28849db2a5a.txt", "003_0325c0e894bc0825.txt", "gen29.txt", "gen29_crowded.txt", "tomelilla_ks_protocol.txt", "goteborg_ks_extract.txt"]
    for name in names:
        (folder / name).write_text(texts[name], encoding="utf-8")
    ingest(database_url, [folder / n for n in names])
    run.check_pending(database_url)
    settings = Settings(database_url=database_url)
    # gen29 gets other bytes that are stored but never extracted: it leaves the check, and gen29_crowded's list
    # is the largest of the body again.
    (folder / "gen29.txt").write_text(texts["gen29.txt"] + "\nBilaga\n", encoding="utf-8")
    steps.finish_document(steps.start_document(str(folder / "gen29.txt"), settings), [], settings)
    # tomelilla's cover is replaced: what its earlier rows paired with is unknown, every document is checked.
    (folder / "tomelilla_ks_protocol.txt").write_text(texts["tomelilla_ks_protocol.txt"].replace("112-116", "112-113"), encoding="utf-8")
    (folder / "gen05.txt").write_text(texts["gen05.txt"], encoding="utf-8")
    for step in ([folder / "gen05.txt"], [folder / "tomelilla_ks_protocol.txt"]):
        ingest(database_url, step)
        full = copy_database(database_url, tmp_path)
        try:
            run.check_all(full)
            run.check_incremental(database_url)
            assert stored(database_url) == stored(full)
        finally:
            release_database(full)
    # A check of all leaves open the flags citing the departed document alone (it checks no such flag).
    departed = [str(folder / "gen29.txt")]
    assert {k: v for k, v in stored(database_url).items() if v[0] == "open" and v[7] != departed} == oracle(database_url)


@pytest.mark.sqlite_only
def test_a_check_stopped_half_way_leaves_its_extractions_to_the_next(database_url, tmp_path, texts, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    first, second = ["001_5b71f28849db2a5a.txt", "gen13.txt", "gen04.txt"], ["003_0325c0e894bc0825.txt", "gen13.txt"]
    for name in set(first + second):
        (folder / name).write_text(texts[name], encoding="utf-8")
    ingest(database_url, [folder / n for n in first])
    run.check_pending(database_url)
    ingest(database_url, [folder / "003_0325c0e894bc0825.txt"])

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(flags, "store_flags_within", killed)
        with pytest.raises(KeyboardInterrupt):
            run.check_incremental(database_url)
    assert flags.unchecked_documents(database_url) == [str(folder / "003_0325c0e894bc0825.txt")]
    assert run.check_pending(database_url).checked == 1
    assert {k: v for k, v in stored(database_url).items() if v[0] == "open"} == oracle(database_url)


@pytest.mark.sqlite_only
def test_footprints_from_the_rows_are_those_of_the_full_facts(database_url, tmp_path, texts):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    ingest(database_url, sorted(folder.iterdir()))
    facts, _, ids = flags.load_facts(database_url)
    thin = flags.load_footprint_facts(database_url, _LETTER_SECTIONS)
    assert {f.document: footprint(f) for f in facts} == {f.document: footprint(f) for f in thin.values()}
    assert link_matters(facts) == _pairwise_matters(facts)


def _pairwise_matters(docs) -> dict[str, str]:
    """link_matters as every pair of documents compared: what the index must find."""
    parent = {d.document: d.document for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)

    keys = {d.document: {k for c in _case_numbers(d) if (k := case_key(c))} for d in docs}
    for i, a in enumerate(docs):
        for b in docs[i + 1:]:
            refers = any(
                same_body(r.body, t.body) and r.date == t.meeting_date and r.paragraph == t.paragraph
                for x, y in ((a, b), (b, a)) for item in x.extraction.items for r in item.references for t in y.extraction.items
            )
            similar = any(similar_titles(ta, tb) for ta in titles(a) for tb in titles(b))
            if keys[a.document] & keys[b.document] or refers or similar:
                union(a.document, b.document)
    mapping = {}
    for d in docs:
        mapping[d.document] = f"matter:{find(d.document)}"
        for item in d.extraction.items:
            mapping[f"{d.document}#§{item.number}"] = mapping[d.document]
    return mapping
