"""The command line as a registrar uses it: ingest, status, export, summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.app import app
from tests.fixtures import prefect_harness, sqlite_url  # noqa: F401

SEEDS = Path(__file__).parents[1] / "samples" / "seeds"
EXPORT_KEYS = {"source", "doc_type", "municipality", "date", "meetings", "items", "case_numbers", "dates", "periods", "amounts", "flags"}

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEEDS / "004_6d18d82d7c7ab236.txt", folder / "sub" / "minnes.txt")
    (folder / "empty.pdf").write_bytes(b"")
    return folder


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_status_export(folder, sqlite_url, tmp_path):
    result = runner.invoke(app, ["ingest", str(folder), "--db", sqlite_url, "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "ingested 1, unchanged 0, partial 0, failed 1" in result.output
    assert "empty file: 0 bytes" in result.output
    # Not on a terminal: a line per document as it is stored, ahead of the summary.
    streamed = result.output[: result.output.index("ingest summary")].splitlines()
    assert sorted(line.split("\t", 1)[1] for line in streamed) == ["failed\t0\tempty file: 0 bytes", "ingested\t1\t"]
    assert sorted(Path(line.split("\t", 1)[0]).name for line in streamed) == ["empty.pdf", "minnes.txt"]

    again = runner.invoke(app, ["ingest", str(folder), "--db", sqlite_url])
    assert "ingested 0, unchanged 1, partial 0, failed 1" in again.output

    status = runner.invoke(app, ["status", "--db", sqlite_url])
    assert status.exit_code == 0
    assert "empty.pdf" in status.output and "empty file: 0 bytes" in status.output

    out = tmp_path / "out.jsonl"
    exported = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(out), "--with-text", "--db", sqlite_url])
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    obj = lines[0]
    assert EXPORT_KEYS <= set(obj)
    assert obj["source"]["path"].endswith("sub/minnes.txt")
    assert len(obj["source"]["sha256"]) == 64
    assert (obj["source"]["pages"], obj["source"]["ocr"]) == (1, False)
    assert obj["pages"][0]["method"] == "text"
    assert obj["pages"][0]["text"].lstrip().startswith("Socialchefsnätverket") or "Minnesanteckningar" in obj["pages"][0]["text"]


def test_missing_path_is_a_usage_error(sqlite_url):
    result = runner.invoke(app, ["ingest", "/no/such/folder", "--db", sqlite_url])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_unreachable_database_is_reported(tmp_path):
    result = runner.invoke(app, ["status", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 3
    assert "cannot open database" in result.output


def test_console_script_end_to_end(folder, tmp_path):
    """The installed `protokoll` command, in its own process with its own temporary Prefect API."""
    exe = Path(sys.executable).with_name("protokoll")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([str(exe), "ingest", str(folder), "--db", db], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "ingested 1, unchanged 0, partial 0, failed 1" in done.stdout
    listing = subprocess.run([str(exe), "summary", "--db", db], capture_output=True, text=True, env=env, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert "minnes.txt" in listing.stdout
    # The command leaves with os._exit after its exit handlers: the status and the error output still arrive.
    usage = subprocess.run([str(exe), "ingest", str(tmp_path / "missing"), "--db", db], capture_output=True, text=True, env=env, timeout=120)
    assert usage.returncode == 2
    assert "no such file or folder" in usage.stderr


@pytest.mark.usefixtures("prefect_harness")
def test_summary_lists_a_protocol_with_a_hole_in_its_paragraphs_for_a_human_look(tmp_path, sqlite_url):
    folder = tmp_path / "in"
    folder.mkdir()
    items = "\n".join(f"§ {n}\nDnr KS 2024/{n}\nÄrende nummer {n}\nBeslut\nKommunstyrelsen beslutar att godkänna ärendet.\n"
                      for n in (31, 32, 34, 35))
    (folder / "protokoll.txt").write_text(
        "PROTOKOLL\nKommunstyrelsen\nSammanträdesdatum 2024-03-05\nPlats och tid Stadshuset kl. 13.00-15.00\n"
        "Beslutande Anna Berg (S), ordförande\nErik Holm (M)\nParagrafer 31-35\n\n" + items, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(folder), "--db", sqlite_url]).exit_code == 0
    listing = runner.invoke(app, ["summary", "--db", sqlite_url])
    assert listing.exit_code == 0, listing.output
    assert "1 document needs a human look:\n  protokoll.txt\n    § sequence has gaps: § 33\n" in listing.output


@pytest.mark.usefixtures("prefect_harness")
def test_a_broken_link_named_on_the_command_line_is_reported_not_refused(tmp_path, sqlite_url):
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "moved-away.pdf")
    result = runner.invoke(app, ["ingest", str(tmp_path / "gone.pdf"), "--db", sqlite_url])
    assert result.exit_code == 1, result.output
    assert "ingested 0, unchanged 0, partial 0, failed 1" in result.output
    assert "broken symlink: points to" in result.output
    # a path that is not there at all is still a usage error
    assert runner.invoke(app, ["ingest", str(tmp_path / "never-was.pdf"), "--db", sqlite_url]).exit_code == 2
