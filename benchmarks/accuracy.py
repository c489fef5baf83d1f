"""Extraction accuracy against hand-written gold files, on text input and on scans after OCR.

    .venv/bin/python benchmarks/accuracy.py [--no-ocr] [--per-document]

Gold lives in `benchmarks/gold/*.json` (the seed documents) and `benchmarks/gold/variants/*.json` (documents
written for the benchmark, the .txt beside each). Scans are OCRed with the pipeline's own loader
(`pipeline.intake.load.prepare` + `ocr_page`) and scored against the gold restricted to what their pages contain,
next to the same pages given as text (their `.gt/` transcription), so the OCR loss is the difference.
Always exits 0: the table is the result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.document import extract_document  # noqa: E402
from extractors.text import fold  # noqa: E402
from models.records import Extraction, PageMethod, PageText  # noqa: E402

GOLD = ROOT / "benchmarks/gold"
SCANNED = ROOT / "samples/generated/scanned"
TEXT_PDFS = ROOT / "samples/generated/pdf"
# (scanned PDF, its page transcription, gold of the document its pages come from)
SCANS = [
    ("001_tyreso_bundle_scan.pdf", "001_tyreso_bundle_scan.gt", "001_tyreso_bundle.json"),
    ("004_dalarna_minutes_scan.pdf", "004_dalarna_minutes_scan.gt", "004_dalarna_minutes.json"),
]
ITEM_FIELDS = ("case_number", "body", "meeting_date", "decision_kind", "decisions")
MEETING_FIELDS = ("body", "date", "paragraph_range", "adjusted_on", "notice_posted", "notice_removed", "chair", "secretary", "adjusters")


def norm(value):
    """Comparable form: whitespace collapsed, dates as ISO, tuples as lists."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def same_body(a: str | None, b: str | None) -> bool:
    """Body names equal after folding, or one is the other with a place added ("Socialchefsnätverket i Dalarna")."""
    if not a or not b:
        return a == b
    fa, fb = fold(" ".join(a.split())), fold(" ".join(b.split()))
    return fa == fb or fa.startswith(fb + " i ") or fb.startswith(fa + " i ")


@dataclass
class Tally:
    """Counts behind every figure of one input kind (text or scan)."""

    items: list[int] = field(default_factory=lambda: [0, 0, 0])  # matched, predicted, gold
    item_fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    meetings: list[int] = field(default_factory=lambda: [0, 0, 0])
    meeting_fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    attendance: list[int] = field(default_factory=lambda: [0, 0, 0])
    attendance_fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    dates: list[int] = field(default_factory=lambda: [0, 0])
    doc: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)


def _item_value(item, name: str):
    if name == "case_number":
        return item.case_number.normalised if item.case_number else None
    return norm(getattr(item, name))


def _meeting_value(meeting, name: str):
    return norm(getattr(meeting, name))


def score(ex: Extraction, gold: dict, tally: Tally, label: str) -> None:
    """Add one document's comparison to the tally; every miss is noted with the document's label."""
    def check(bucket, key, ok, what):
        bucket[key][0] += int(ok)
        bucket[key][1] += 1
        if not ok:
            tally.misses.append(f"{label}: {what}")

    if "doc_type" in gold:
        check(tally.doc, "doc_type", ex.doc_type == gold["doc_type"], f"doc_type {ex.doc_type!r} != {gold['doc_type']!r}")
    if "municipality" in gold:
        want = (gold["municipality"] or {}).get("code")
        check(tally.doc, "municipality", ex.municipality_code == want, f"municipality {ex.municipality_code!r} != {want!r}")

    predicted = {fold(i.number): i for i in ex.items}
    wanted = {fold(g["number"]): g for g in gold.get("items", [])}
    tally.items[0] += len(predicted.keys() & wanted.keys())
    tally.items[1] += len(predicted)
    tally.items[2] += len(wanted)
    for key in sorted(wanted.keys() - predicted.keys()):
        tally.misses.append(f"{label}: item {key} not found")
    for key in sorted(predicted.keys() - wanted.keys()):
        tally.misses.append(f"{label}: item {key} not in gold")
    for key in sorted(predicted.keys() & wanted.keys()):
        g, item = wanted[key], predicted[key]
        for name in ITEM_FIELDS:
            got, want = _item_value(item, name), norm(g.get(name))
            ok = same_body(got, want) if name == "body" else got == want
            check(tally.item_fields, name, ok, f"item {key} {name} {got!r} != {want!r}")

    matched_meetings: list[tuple[dict, object]] = []
    free = list(ex.meetings)
    for g in gold.get("meetings", []):
        hit = next((m for m in free if same_body(m.body, g["body"]) and (norm(m.date) == g["date"] or not g["date"])), None)
        hit = hit or next((m for m in free if same_body(m.body, g["body"])), None)
        if hit:
            free.remove(hit)
        matched_meetings.append((g, hit))
        for name in MEETING_FIELDS:
            got = _meeting_value(hit, name) if hit else "<no meeting>"
            want = norm(g.get(name))
            ok = hit is not None and (same_body(got, want) if name == "body" else got == want)
            check(tally.meeting_fields, name, ok, f"meeting {g['body']} {name} {got!r} != {want!r}")
    tally.meetings[0] += sum(1 for _, m in matched_meetings if m)
    tally.meetings[1] += len(ex.meetings)
    tally.meetings[2] += len(gold.get("meetings", []))
    for m in free:
        if gold.get("meetings") is not None and "meetings" in gold:
            tally.misses.append(f"{label}: meeting {m.body!r} {m.date} not in gold")

    def body_key(body):
        for g in gold.get("meetings", []):
            if same_body(body, g["body"]):
                return fold(g["body"])
        return fold(body or "")

    got_att = {}
    for meeting in ex.meetings:
        for entry in meeting.attendance:
            got_att[(body_key(meeting.body), fold(" ".join(entry.name.split())), entry.role)] = entry
    want_att = {(body_key(a["meeting"]), fold(a["name"]), a["role"]): a for a in gold.get("attendance", [])}
    tally.attendance[0] += len(got_att.keys() & want_att.keys())
    tally.attendance[1] += len(got_att)
    tally.attendance[2] += len(want_att)
    for key in sorted(want_att.keys() - got_att.keys()):
        tally.misses.append(f"{label}: attendance {key} not found")
    for key in sorted(got_att.keys() - want_att.keys()):
        tally.misses.append(f"{label}: attendance {key} not in gold")
    for key in sorted(got_att.keys() & want_att.keys()):
        entry, g = got_att[key], want_att[key]
        check(tally.attendance_fields, "party", entry.party == g["party"], f"attendance {key[1]} party {entry.party!r} != {g['party']!r}")
        check(tally.attendance_fields, "paragraphs", list(entry.paragraphs) == g["paragraphs"],
              f"attendance {key[1]} paragraphs {entry.paragraphs} != {g['paragraphs']}")

    found = {(d.value.isoformat(), d.role) for d in ex.dates}
    for g in gold.get("dates", []):
        ok = (g["value"], g["role"]) in found
        tally.dates[0] += int(ok)
        tally.dates[1] += 1
        if not ok:
            roles = sorted(r for v, r in found if v == g["value"])
            tally.misses.append(f"{label}: date {g['text']!r} {g['value']} {g['role']} not found (roles found: {roles})")


# --- inputs -------------------------------------------------------------------------


def text_pages(text: str, method: PageMethod = PageMethod.TEXT) -> list[PageText]:
    return [PageText(number=n, text=page, method=method) for n, page in enumerate(text.split("\f"), start=1)]


def gold_documents(paths: list[Path] | None = None) -> list[tuple[str, dict, Path]]:
    """(name, gold, source text) for the benchmark's gold files, or for the files and folders in `paths`."""
    if paths:
        files = sorted(f for p in paths for f in (p.glob("*.json") if p.is_dir() else [p]))
    else:
        files = sorted(GOLD.glob("*.json")) + sorted((GOLD / "variants").glob("*.json"))
    out = []
    for path in files:
        gold = json.loads(path.read_text())
        source = ROOT / gold["document"]
        # Gold kept outside the repository names its text by a repository path; the text lies beside it.
        out.append((path.stem, gold, source if source.exists() else path.with_suffix(".txt")))
    return out


def _squash(text: str) -> str:
    return " ".join(fold(text).replace("|", " ").split())


def restrict(gold: dict, page_text: str) -> dict:
    """The part of a gold file that the given pages print: items whose heading and decisions are all there,
    attendance whose name is there, dates whose text is there; meetings whose cover is there."""
    text = _squash(page_text)
    out = {k: v for k, v in gold.items() if k not in ("items", "meetings", "attendance", "dates", "doc_type", "municipality")}

    headings = fold(page_text)

    def present(item):
        if item.get("paragraph") is not None and not re.search(rf"^[ \t]*§ ?{item['paragraph']}[ \t]*$", headings, re.M):
            return False
        if item.get("paragraph") is None and item.get("title") and _squash(item["title"]) not in text:
            return False
        return all(_squash(d) in text for d in item.get("decisions", []))

    out["items"] = [i for i in gold.get("items", []) if present(i)]
    out["meetings"] = [m for m in gold.get("meetings", []) if m.get("date") and f"sammantradesdatum {m['date']}" in text
                       or (m.get("date") and _squash(m["body"]) in text and f"datum: {m['date']}" in text)]
    bodies = [m["body"] for m in out["meetings"]]
    # a meeting date comes from the cover; pages without the cover cannot give it
    out["items"] = [dict(i, meeting_date=None) if i.get("paragraph") is not None and i.get("body") not in bodies else i
                    for i in out["items"]]
    out["attendance"] = [a for a in gold.get("attendance", []) if a["meeting"] in bodies and _squash(a["name"]) in text]
    out["dates"] = [d for d in gold.get("dates", []) if _squash(d["text"]) in text]
    return out


def text_layer_pages(pdf: Path) -> list[PageText]:
    """A text-layer PDF's pages as the pipeline reads them (pages without a usable layer are left out)."""
    from pipeline.intake.load import prepare
    from pipeline.settings import Settings

    return prepare(pdf, Settings()).pages


def ocr_pages(pdf: Path, cache: Path | None) -> list[PageText] | None:
    """OCR every page of a scanned PDF with the pipeline's loader; cached by file hash and page."""
    if not shutil.which("tesseract"):
        return None
    from pipeline.intake.load import ocr_page, prepare
    from pipeline.settings import Settings

    settings = Settings.from_env()
    prepared = prepare(pdf, settings)
    pages = list(prepared.pages)
    for number in prepared.ocr_pages:
        cached = cache / f"{prepared.sha256[:16]}-{settings.ocr_language}-{settings.ocr_dpi}-{number}.txt" if cache else None
        if cached and cached.exists():
            pages.append(PageText(number=number, text=cached.read_text(), method=PageMethod.OCR))
            continue
        page = ocr_page(prepared.path, prepared.kind, number, settings)
        if page.error:
            print(f"OCR failed on {pdf.name} page {number}: {page.error}", file=sys.stderr)
        if cached and not page.error:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(page.text)
        pages.append(page)
    return sorted(pages, key=lambda p: p.number)


# --- report -----------------------------------------------------------------------------


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def _prf(matched: int, predicted: int, gold: int) -> str:
    p = matched / predicted if predicted else (1.0 if not gold else 0.0)
    r = matched / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({matched}/{predicted} predicted, {gold} gold)"


def report(name: str, tally: Tally) -> None:
    print(f"\n== {name}")
    rows = [("items", _prf(*tally.items))]
    right, total = (sum(v[i] for v in tally.item_fields.values()) for i in (0, 1))
    rows.append(("  item fields, all", f"{_ratio(right, total)}  ({right}/{total})"))
    rows += [(f"  item.{k}", f"{_ratio(*tally.item_fields[k])}  ({tally.item_fields[k][0]}/{tally.item_fields[k][1]})") for k in ITEM_FIELDS]
    rows.append(("meetings", _prf(*tally.meetings)))
    rows += [(f"  meeting.{k}", f"{_ratio(*tally.meeting_fields[k])}  ({tally.meeting_fields[k][0]}/{tally.meeting_fields[k][1]})")
             for k in MEETING_FIELDS]
    rows.append(("attendance", _prf(*tally.attendance)))
    rows += [(f"  attendance.{k}", f"{_ratio(*v)}  ({v[0]}/{v[1]})") for k, v in sorted(tally.attendance_fields.items())]
    rows.append(("dates recall", f"{_ratio(*tally.dates)}  ({tally.dates[0]}/{tally.dates[1]})"))
    rows += [(k, f"{_ratio(*v)}  ({v[0]}/{v[1]})") for k, v in sorted(tally.doc.items())]
    width = max(len(r[0]) for r in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ocr", action="store_true", help="skip the scanned samples")
    parser.add_argument("--misses", action="store_true", help="list every miss under its table")
    parser.add_argument("--cache", default=os.environ.get("PROTOKOLL_BENCH_CACHE", str(Path.home() / ".cache/protokoll/bench-ocr")),
                        help="directory for cached OCR text ('' to disable)")
    parser.add_argument("--gold", nargs="+", type=Path, metavar="PATH",
                        help="score only these gold files or folders (each .json beside its .txt), on text input: "
                             "run it on documents the extractors have not met yet for a first-contact figure")
    parser.add_argument("--generated", type=int, default=300, metavar="N",
                        help="score N protocols from samples/protocol_generator.py as text (and N/5 as text-layer PDFs); 0 skips")
    parser.add_argument("--real", action="store_true",
                        help="also ingest ../shared/real (when present) through `protokoll ingest` and score it with its scorer")
    args = parser.parse_args(argv)

    print_first_contact()
    if args.generated and not args.gold:
        print_generated(args.generated)
    if args.real and not args.gold:
        print_real()

    text = Tally()
    for name, gold, source in gold_documents(args.gold):
        score(extract_document(text_pages(source.read_text())), gold, text, name)
    report("text input (" + (", ".join(map(str, args.gold)) if args.gold else "seeds + variants") + ")", text)
    if args.misses:
        print("\n".join("  - " + m for m in text.misses))
    if args.gold:
        return 0

    # The same seeds as text-layer PDFs (what registrars feed in): pdfplumber's lines, no blank lines.
    layer = Tally()
    for _, gold, _ in gold_documents():
        pdf = next(TEXT_PDFS.glob(f"{Path(gold['document']).name[:3]}_*.pdf"), None)
        if not gold["document"].startswith("samples/seeds/") or pdf is None:
            continue
        score(extract_document(text_layer_pages(pdf)), gold, layer, pdf.name)
    report("text-layer PDFs of the seeds (pdfplumber)", layer)
    if args.misses:
        print("\n".join("  - " + m for m in layer.misses))

    if args.no_ocr:
        return 0
    as_text, as_scan = Tally(), Tally()
    cache = Path(args.cache) if args.cache else None
    for pdf_name, gt_name, gold_name in SCANS:
        pdf, gt = SCANNED / pdf_name, SCANNED.parent / "truth" / gt_name
        if not pdf.exists() or not gt.is_dir():
            print(f"\n(scan {pdf_name} or its transcription missing: skipped)")
            continue
        gt_pages = [PageText(number=n, text=p.read_text(), method=PageMethod.TEXT)
                    for n, p in enumerate(sorted(gt.glob("page-*.txt")), start=1)]
        gold = restrict(json.loads((GOLD / gold_name).read_text()), "\n".join(p.text for p in gt_pages))
        score(extract_document(gt_pages), gold, as_text, pdf_name)
        pages = ocr_pages(pdf, cache)
        if pages is None:
            print("\n(tesseract not installed: scans skipped)")
            return 0
        score(extract_document(pages), gold, as_scan, pdf_name)
    report("scan pages given as text (their .gt transcription)", as_text)
    if args.misses:
        print("\n".join("  - " + m for m in as_text.misses))
    report("scan pages after OCR", as_scan)
    if args.misses:
        print("\n".join("  - " + m for m in as_scan.misses))
    return 0


FIRST_CONTACT = ROOT / "benchmarks/first_contact.json"
REAL = ROOT.parent / "shared/real"


def print_first_contact() -> None:
    """The figures each document set gave the first time the extractors met it, before any rule was changed for
    it: the number that says how the extractors meet a municipality they have not seen. Kept, never rewritten."""
    rows = json.loads(FIRST_CONTACT.read_text(encoding="utf-8"))
    print("== first contact (benchmarks/first_contact.json: measured before any rule changed for these documents)")
    width = max(len(r["documents"]) for r in rows)
    print(f"{'documents':<{width}}  {'measured':<10}  {'items F1':>8}  {'cases':>6}  {'fields':>6}  {'attend.':>7}")
    for r in rows:
        cells = [f"{r[k]:.3f}" if isinstance(r.get(k), (int, float)) else "   -  " for k in ("items_f1", "case_recall", "fields", "attendance_f1")]
        print(f"{r['documents']:<{width}}  {r['measured']:<10}  {cells[0]:>8}  {cells[1]:>6}  {cells[2]:>6}  {cells[3]:>7}")


def print_generated(count: int) -> None:
    """Scores on protocols generated in many templates, as text and as text-layer PDFs read by the loader."""
    from samples.protocol_generator import score_seeds

    for label, seeds, as_pdf in (("text", range(count), False), ("text-layer PDF", range(max(1, count // 5)), True)):
        score = score_seeds(seeds, as_pdf=as_pdf)
        print(f"\n== generated protocols, {len(seeds)} seeds, {label} (samples/protocol_generator.py)")
        print("\n".join(score.lines()))


def print_real() -> None:
    """The real PDFs of ../shared/real through the whole `protokoll ingest` (OCR included), scored by their scorer."""
    import subprocess
    import tempfile

    scorer = REAL.parent / "tools/score_real.py"
    if not REAL.is_dir() or not scorer.exists():
        print("\n(../shared/real not present: real documents skipped)")
        return
    protokoll = Path(sys.executable).with_name("protokoll")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/real.db"
        env = dict(os.environ, PREFECT_HOME=f"{tmp}/prefect", PREFECT_LOGGING_LEVEL="WARNING")
        subprocess.run([str(protokoll), "ingest", *sorted(map(str, REAL.glob("*.pdf"))), "--db", db, "--workers", "2"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        subprocess.run([str(protokoll), "export", "--format", "jsonl", "--out", f"{tmp}/real.jsonl", "--db", db],
                       env=env, stdout=subprocess.DEVNULL, check=True)
        print("\n== real documents (../shared/real, whole `protokoll ingest`, scored by ../shared/tools/score_real.py)")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(scorer), f"{tmp}/real.jsonl", *sorted(map(str, REAL.glob("*.gold.json")))], check=False)


if __name__ == "__main__":
    main()
    sys.exit(0)
