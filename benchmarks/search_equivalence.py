"""How many items a `--text` query finds on SQLite and on PostgreSQL, for the same stored seed protocols.

The two columns should agree on every line. The code measured is whatever is first on PYTHONPATH, so an
older revision can be measured from an export of it:

    PYTHONPATH=. .venv/bin/python benchmarks/search_equivalence.py
    git archive e7765bd | tar -x -C /tmp/before && PYTHONPATH=/tmp/before .venv/bin/python benchmarks/search_equivalence.py

A scratch PostgreSQL database is created and dropped (--postgres: the server's admin URL).
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from models.db import upgrade
from pipeline.research.queries import DecisionFilters, decisions
from tests.pipeline.relational_helpers import seed_extraction, store

QUERIES = (
    "kunskapsstyrningen OR hedersrelaterat",
    "kommun OR finansiering",
    "kommun -finansiering",
    "finansiering -kunskapsstyrning",
    "handlingarna -informationen",
    '"hedersrelaterat våld"',
    '"våld hedersrelaterat"',
    "godkänna OR uppdra -dagordningen -delårsrapporten",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"search_equivalence_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    with tempfile.TemporaryDirectory() as folder:
        urls = {"sqlite": f"sqlite:///{Path(folder) / 'search.db'}", "postgresql": args.postgres.rsplit("/", 1)[0] + f"/{name}"}
        try:
            for url in urls.values():
                upgrade(url)
                store(url, "001.txt", seed_extraction("001"))
                store(url, "004.txt", seed_extraction("004"))
            print(f"{'query':55} {'sqlite':>7} {'postgresql':>11}")
            for query in QUERIES:
                found = [len(decisions(url, DecisionFilters(text=query))) for url in urls.values()]
                print(f"{query:55} {found[0]:>7} {found[1]:>11}")
        finally:
            from models import db

            for engine in db._engines.values():
                engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
