"""Build a database of at least 10 000 items by replicating the seed extractions with varied
municipalities, dates, § and case numbers (for benchmarks/query_bench.py).

    .venv/bin/python benchmarks/make_big_db.py --db sqlite:///big.db --items 10000
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from extractors.document import extract_document  # noqa: E402
from models import municipalities  # noqa: E402
from models.db import session_scope, upgrade  # noqa: E402
from models.records import Extraction, PageMethod, PageText  # noqa: E402
from models.schema import Document, DocumentVersion, ItemRecord  # noqa: E402
from pipeline.normalise import store_records  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "samples" / "seeds"


def seed(prefix: str) -> Extraction:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return extract_document([PageText(number=1, text=path.read_text(encoding="utf-8"), method=PageMethod.TEXT)])


def variant(base: Extraction, rng: random.Random, n: int) -> Extraction:
    """The same document as if another municipality had written it on another day, with other numbers."""
    e = copy.deepcopy(base)
    kommun = rng.choice(municipalities.registry().municipalities)
    shift = timedelta(days=rng.randrange(-3000, 2000))
    offset = rng.randrange(1, 400)
    e.municipality, e.municipality_code = kommun.name, kommun.code
    e.date = e.date + shift if e.date else None
    for m in e.meetings:
        m.date = m.date + shift if m.date else None
        for a in m.attendance:
            a.municipality = None
    for item in e.items:
        item.meeting_date = item.meeting_date + shift if item.meeting_date else None
        if item.paragraph is not None:
            item.paragraph += offset
            item.number = str(item.paragraph)
        if item.case_number:
            cn = item.case_number
            year = (item.meeting_date or e.date).year if (item.meeting_date or e.date) else cn.year
            serial = f"{(int(cn.serial or 0) + n) % 10000:04d}"
            cn.year, cn.serial = year, serial
            cn.normalised = f"{year}/{cn.register} {serial}" + (f" {cn.classification}" if cn.classification else "")
            cn.raw = "Dnr " + cn.normalised
    e.case_numbers = [i.case_number for i in e.items if i.case_number]
    return e


def build(url: str, items: int, seed_value: int = 7, batch: int = 25) -> int:
    upgrade(url)
    rng = random.Random(seed_value)
    bases = [seed("001"), seed("004"), seed("000"), seed("003")]
    with session_scope(url) as s:
        have = s.scalar(select(func.count()).select_from(ItemRecord))
    n = 0
    while have < items:
        with session_scope(url) as s:
            for _ in range(batch):
                e = variant(bases[n % len(bases)], rng, n)
                doc = Document(path=f"synthetic/{n:06d}.pdf", status="ok")
                s.add(doc)
                s.flush()
                version = DocumentVersion(document_id=doc.id, version=1, sha256=f"{n:064d}", size=1, status="ok")
                s.add(version)
                s.flush()
                store_records(s, version.id, doc.id, e)
                have += len(e.items)
                n += 1
    return have


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    total = build(args.db, args.items)
    print(f"{args.db}: {total} items in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
