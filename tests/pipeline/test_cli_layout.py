"""Output at 80 columns: one line per decision, meeting and document, a block per flag, no line over 80
characters, no name cut in two across lines; everything with --wide and --format json."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import registrar as cli
from pipeline.cli.app import app
from pipeline.cli.output import Field, fit, shorten, wrapped
from models.records import Outcome
from tests.pipeline.test_flags import ingest_plain

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"
runner = CliRunner()


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    """The five seed texts, stored under a long folder name, extracted and checked (SQLite: the layout is the same on both)."""
    from models.db import upgrade
    from pipeline.consistency.run import run_checks

    root = tmp_path_factory.mktemp("layout")
    folder = root / "registratur" / "kommunstyrelsen" / "protokoll och tjänsteskrivelser" / "2019"
    folder.mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    url = f"sqlite:///{root / 'layout.db'}"
    upgrade(url)
    run_checks(url, set(ingest_plain(url, sorted(folder.glob("*.txt")))))
    return url


def lines_of(result) -> list[str]:
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    return lines


def test_a_decision_is_one_line_of_paragraph_date_body_case_and_title(seeded):
    lines = lines_of(runner.invoke(app, ["decisions", "--municipality", "Tyresö", "--db", seeded]))
    assert lines[0] == "3 items"
    assert lines[1].split() == ["§", "date", "body", "case", "title"]
    rows = lines[2:]
    assert [(r.split()[0:3]) for r in rows] == [["§", "1039", "2019-04-24"], ["§", "1034", "2019-04-29"], ["§", "55", "2019-05-15"]]
    for row, body in zip(rows, ("Äldre- och omsorgsnämnden", "Arbetsmarknads- och socialnämnden", "Kommunledningsutskottet")):
        shown = row[20:].split("  ")[0]
        assert shown == body or (shown.endswith("…") and body.startswith(shown[:-1])), row
        assert row.rstrip().endswith("…")  # the title, cut at the edge


def test_narrower_than_the_fields_a_line_is_cut_at_the_edge(seeded, monkeypatch):
    monkeypatch.setenv("COLUMNS", "24")
    lines = runner.invoke(app, ["decisions", "--municipality", "Tyresö", "--db", seeded]).output.splitlines()
    assert lines == ["3 items", "     §  date        bod…", "§ 1039  2019-04-24  Äld…", "§ 1034  2019-04-29  Arb…", "  § 55  2019-05-15  Kom…"]


def test_no_rows_is_the_count_alone(seeded):
    result = runner.invoke(app, ["decisions", "--text", "färdtjänst", "--db", seeded])
    assert (result.exit_code, result.output) == (0, "0 items\n")


def test_wide_and_json_show_what_the_line_leaves_out(seeded):
    wide = runner.invoke(app, ["decisions", "--municipality", "Tyresö", "--wide", "--db", seeded]).output.splitlines()
    assert wide[1].split() == ["§", "date", "body", "case", "title", "municipality", "document", "decision"]
    assert "Arbetsmarknads- och socialnämnden" in wide[3] and "Dnr 2019/KS 0222 12" in wide[4]
    assert "/registratur/kommunstyrelsen/protokoll och tjänsteskrivelser/2019/001_5b71f28849db2a5a.txt p.1" in wide[4]
    rows = json.loads(runner.invoke(app, ["decisions", "--municipality", "Tyresö", "--format", "json", "--db", seeded]).output)
    assert [r["paragraph"] for r in rows] == [1039, 1034, 55]


def test_a_persons_meetings_are_one_line_each_under_the_name(seeded):
    lines = lines_of(runner.invoke(app, ["person", "Anna Lund", "--db", seeded]))
    assert lines[0] == "Anna Lund · Tyresö · KD 2019-04-24–2019-05-15"
    assert lines[1:5] == [
        "2 meetings",
        "date        body                       role    party  §§",
        "2019-04-24  Äldre- och omsorgsnämnden  member  KD",
        "2019-05-15  Kommunledningsutskottet    member  KD     50–52, 54–56",
    ]


def test_a_flag_is_a_block_with_each_quote_under_its_document_and_page(seeded):
    from pipeline.store.flags import list_flags

    lines = lines_of(runner.invoke(app, ["flags", "--db", seeded]))
    flags = list_flags(seeded)
    assert lines[0] == f"{len(flags)} flags"
    text = "\n".join(lines)
    for flag in flags:
        head = lines.index(f"{flag.identity} {flag.severity} {flag.kind}")
        block = lines[head + 1 : lines.index("", head)]
        assert block[0] == "  values: " + " vs ".join(map(str, flag.values))
        for e in flag.evidence:
            where = f"  {Path(e['document']).name} p.{e['page']}"
            assert where in block
            quote = [i for i, line in enumerate(block) if line == where]
            # The quote follows its document, wrapped between words at a four-space indent: joined, it is the quote.
            joined = []
            for line in block[quote[0] + 1 :]:
                if not line.startswith("    "):
                    break
                joined.append(line.strip())
            assert " ".join(joined) in {f"\u201c{' '.join(x['quote'].split())}\u201d" for x in flag.evidence}
    assert "/registratur/" not in text  # documents by name; their folders with --wide


def test_summary_keeps_each_file_on_one_line(seeded):
    lines = lines_of(runner.invoke(app, ["summary", "--db", seeded]))
    assert lines[0] == "5 documents"
    rows = lines[2:7]
    assert [r.split()[0] for r in rows] == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_ingest_summary_shortens_paths_from_the_left(capsys):
    folder = "/srv/registratur/kommunstyrelsen/protokoll och tjänsteskrivelser/2019/inkomna handlingar"
    outcomes = [
        Outcome(f"{folder}/KS 2019-05-15 protokoll.pdf", "ingested", pages=12, ocr_pages=12),
        Outcome(f"{folder}/bilaga.pdf", "failed", message="encrypted PDF: password required"),
        Outcome("/srv/kort.txt", "unchanged", pages=1),
    ]
    cli._print_summary(outcomes)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0] == "ingest summary"
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines[2:5]]
    assert cells[0][0].startswith("…") and cells[0][0].endswith("handlingar/bilaga.pdf")
    assert cells[0][1:] == ["failed", "encrypted PDF: password required"]
    assert cells[1] == ["/srv/kort.txt", "unchanged", "1"]
    assert cells[2][0] == "…19-05-15 protokoll.pdf"  # the reason keeps its 32 columns, the path gives way
    assert cells[2][1:] == ["ingested", "12", "12"]
    assert lines[5] == "ingested 1, unchanged 1, partial 0, failed 1"


def test_ingest_writes_a_plain_line_per_document_as_it_is_stored_when_not_on_a_terminal(capsys):
    from rich.progress import Progress

    with Progress(disable=True) as bar:
        progress = cli.BarProgress(bar, lines=True)
        progress.add_documents(2)
        progress.document_done(Outcome("/srv/a.pdf", "ingested", pages=3))
        assert capsys.readouterr().out == "/srv/a.pdf\tingested\t3\t\n"
        progress.document_done(Outcome("/srv/b.pdf", "failed", message="truncated PDF: no end-of-file marker\n(line two)"))
        assert capsys.readouterr().out == "/srv/b.pdf\tfailed\t0\ttruncated PDF: no end-of-file marker\n"
        assert bar.tasks[progress.docs].completed == 2


@pytest.mark.parametrize(
    ("text", "width", "cut", "expected"),
    [
        ("Kommunledningsutskottet", 30, "end", "Kommunledningsutskottet"),
        ("Kommunledningsutskottet", 10, "end", "Kommunled…"),
        ("/srv/registratur/2019/protokoll.pdf", 16, "start", "…9/protokoll.pdf"),
        ("Äldre-  och\nomsorgsnämnden", 40, "end", "Äldre- och omsorgsnämnden"),
    ],
)
def test_shorten(text, width, cut, expected):
    assert shorten(text, width, cut) == expected


def test_fit_keeps_the_fields_that_matter_and_cuts_the_one_that_grows():
    fields = (Field("n", "§", 6, 8, justify="right"), Field("title", "title", 10), Field("extra", "extra", 8, 12, priority=1))
    rows = [{"n": "§ 1", "title": "x" * 60, "extra": "tolv tecken!"}]
    assert [(f.key, w) for f, w in fit(fields, rows, 40)] == [("n", 3), ("title", 21), ("extra", 12)]
    assert [(f.key, w) for f, w in fit(fields, rows, 20)] == [("n", 3), ("title", 15)]
    assert [(f.key, w) for f, w in fit(fields, rows, None)] == [("n", 3), ("title", 60), ("extra", 12)]
    assert [f.key for f, _ in fit(fields, [{"n": "§ 1", "title": "x"}], 80)] == ["n", "title"]  # an empty extra is left out
    # Without extras, a capped field (a body's name) gives way before the one that grows (the title).
    fields = (Field("n", "§", 6, 8, justify="right"), Field("body", "body", 8, 20), Field("title", "title", 10))
    assert [(f.key, w) for f, w in fit(fields, [{"n": "§ 1", "body": "b" * 20, "title": "t" * 40}], 40)] == [("n", 3), ("body", 8), ("title", 25)]


def test_wrapped_breaks_between_words_and_shortens_a_path_longer_than_a_line():
    assert wrapped("Anna Lund och Tony Thorén var där", 16, "  ") == ["  Anna Lund och", "  Tony Thorén", "  var där"]
    assert wrapped("see /a/very/long/folder/name/file.pdf now", 20, "  ") == ["  see", "  …der/name/file.pdf", "  now"]


def test_progress_shows_the_rate_and_the_time_left():
    from rich.progress import Progress

    from pipeline.cli.output import RateColumn, TimeLeftColumn

    clock = [0.0]
    with Progress(get_time=lambda: clock[0], disable=True) as bar:
        pages = bar.add_task("pages", total=100)
        docs = bar.add_task("documents", total=12)
        assert (str(RateColumn().render(bar.tasks[pages])), str(TimeLeftColumn().render(bar.tasks[pages]))) == ("", "")
        for _ in range(4):
            clock[0] += 2.0
            bar.advance(pages, 5)
            bar.advance(docs, 0.25)
        # 20 pages in 8 s: 2.5 a second, 80 left take 32 s; a document in 8 s: 7.5 a minute, 11 left take 88 s.
        assert (str(RateColumn().render(bar.tasks[pages])), str(TimeLeftColumn().render(bar.tasks[pages]))) == ("2.5/s", "0:00:32 left")
        assert (str(RateColumn().render(bar.tasks[docs])), str(TimeLeftColumn().render(bar.tasks[docs]))) == ("7.5/min", "0:01:28 left")
