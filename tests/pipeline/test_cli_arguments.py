"""Bad invocations: a usage error is one line naming the option and what it takes (exit 2), an I/O error one
line (exit 1), a database that cannot be opened one line (exit 3); never a traceback, never a silent default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.app import app

runner = CliRunner()
UNREACHABLE = "postgresql+psycopg://someone:hemligt@127.0.0.1:1/none"


@pytest.fixture
def db(sqlite_url) -> str:
    from models.db import upgrade

    upgrade(sqlite_url)
    return sqlite_url


def one_line(result) -> str:
    """The single line a failed command printed, checked to be one line and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["decisions", "--limit", "-1"], "protokoll decisions: Invalid value for '--limit': Input should be greater than or equal to 1"),
        (["decisions", "--limit", "0"], "protokoll decisions: Invalid value for '--limit': Input should be greater than or equal to 1"),
        (["decisions", "--limit", "many"], "protokoll decisions: Invalid value for '--limit':"),
        (["decisions", "--limit", "99999999999999999999"], "protokoll decisions: Invalid value for '--limit': Input should be less than or equal to 1000000000"),
        (["decisions", "--text", ""], "protokoll decisions: Invalid value for '--text': nothing to search for in ''"),
        (["decisions", "--text", "och att"], "protokoll decisions: Invalid value for '--text': nothing to search for in 'och att'"),
        (["decisions", "--text", "kommun OR -budget"], "protokoll decisions: Invalid value for '--text': '-' cannot be used inside OR"),
        (["decisions", "--municipality", ""], "protokoll decisions: Invalid value for '--municipality': no Swedish municipality is called ''"),
        (["decisions", "--municipality", "Atlantis"], "protokoll decisions: Invalid value for '--municipality': no Swedish municipality is called 'Atlantis'"),
        (["decisions", "--body", " "], "protokoll decisions: Invalid value for '--body': must not be empty"),
        (["decisions", "--case", ""], "protokoll decisions: Invalid value for '--case': must not be empty"),
        (["decisions", "--from", "2020-02-01", "--to", "2020-01-31"], "protokoll decisions: Invalid value for '--from': 2020-02-01 is after --to 2020-01-31"),
        (["decisions", "--from", "2020-13-01"], "protokoll decisions: Invalid value for '--from': '2020-13-01' does not match the formats '%Y-%m-%d'."),
        (["decisions", "--to", "igår"], "protokoll decisions: Invalid value for '--to': 'igår' does not match the formats '%Y-%m-%d'."),
        (["decisions", "--format", "xml"], "protokoll decisions: Invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv'."),
        (["decisions", "--nosuch"], "protokoll decisions: No such option: --nosuch"),
        (["person", ""], "protokoll person: Invalid value for 'name': must not be empty"),
        (["case", "  "], "protokoll case: Invalid value for 'dnr': must not be empty"),
        (["flags", "--severity", "bogus"], "protokoll flags: Invalid value for '--severity': 'bogus' is not one of 'error', 'warning', 'info'."),
        (["flags", "--format", "csv"], "protokoll flags: Invalid value for '--format': 'csv' is not one of 'table', 'json'."),
        (["flags", "--municipality", "Atlantis"], "protokoll flags: Invalid value for '--municipality': no Swedish municipality is called 'Atlantis'"),
        (["review", "0123456789abcdef", "accept", "--note", ""], "protokoll review: Invalid value for '--note': must not be empty"),
        (["review", "0123456789abcdef", "accept"], "protokoll review: Missing option '--note'."),
        (["review", "0123456789abcdef", "maybe", "--note", "why"], "protokoll review: Invalid value for 'decision': 'maybe' is not one of 'accept', 'dismiss'."),
        (["review", "0123456789abcdef", "accept", "--note", "why"], "protokoll review: Invalid value for 'FLAG_ID': no flag with id 0123456789abcdef"),
        (["export", "--format", "csv", "--out", "x.csv"], "protokoll export: Invalid value for '--format': 'csv' is not one of 'jsonl'."),
        (["export"], "protokoll export: Missing option '--out'."),
        (["ingest", ".", "--workers", "0"], "protokoll ingest: Invalid value for '--workers': Input should be greater than or equal to 1"),
        (["ingest", ".", "--workers", "-3"], "protokoll ingest: Invalid value for '--workers': Input should be greater than or equal to 1"),
        (["ingest", ".", "--language", ""], "protokoll ingest: Invalid value for '--language': must not be empty"),
        (["ingest", ".", "--dask", " "], "protokoll ingest: Invalid value for '--dask': must not be empty"),
        (["ingest"], "protokoll ingest: Missing argument 'paths'."),
        (["db", "upgrade", "--revision", "nope"], "protokoll db upgrade: Invalid value for '--revision': Can't locate revision identified by 'nope'"),
        (["nosuch"], "protokoll: No such command 'nosuch'."),
    ],
)
def test_a_bad_argument_is_one_line_naming_the_option(db, args, expected):
    result = runner.invoke(app, [*args, "--db", db], prog_name="protokoll")
    assert result.exit_code == 2, result.output
    assert one_line(result).startswith(expected)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PROTOKOLL_WORKERS", "abc", "PROTOKOLL_WORKERS must be a whole number greater than 0, not 'abc'"),
        ("PROTOKOLL_WORKERS", "0", "PROTOKOLL_WORKERS must be a whole number greater than 0, not '0'"),
        ("PROTOKOLL_WORKERS", "2.5", "PROTOKOLL_WORKERS must be a whole number greater than 0, not '2.5'"),
        ("PROTOKOLL_FILE_TIMEOUT", "soon", "PROTOKOLL_FILE_TIMEOUT must be a number greater than 0, not 'soon'"),
    ],
)
@pytest.mark.parametrize("command", [["status"], ["decisions"], ["db", "upgrade"]])
def test_a_bad_environment_setting_is_a_usage_error(db, monkeypatch, variable, value, expected, command):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, [*command, "--db", db], prog_name="protokoll")
    assert result.exit_code == 2, result.output
    assert one_line(result) == f"protokoll {' '.join(command)}: Invalid value: {expected}"


def test_export_to_a_directory_or_where_nothing_can_be_written_is_one_line(db, tmp_path):
    for target, reason in ((tmp_path, "Is a directory"), (Path("/proc/x"), "No such file or directory")):
        result = runner.invoke(app, ["export", "--out", str(target), "--db", db])
        assert result.exit_code == 1, result.output
        assert one_line(result) == f"cannot write {target}: {reason}"


def test_export_under_a_file_is_one_line(db, tmp_path):
    """Unwritable even for root: the folder to write in is a file."""
    (tmp_path / "plain.txt").write_text("x")
    target = tmp_path / "plain.txt" / "out.jsonl"
    result = runner.invoke(app, ["export", "--out", str(target), "--db", db])
    assert result.exit_code == 1, result.output
    assert one_line(result) in (f"cannot write {target}: Not a directory", f"cannot write {target}: File exists")


@pytest.mark.parametrize(
    "command",
    [["status"], ["check"], ["summary"], ["decisions"], ["person", "Anna Lund"], ["case", "2019/KS 1"], ["flags"], ["export", "--out", "-"],
     ["review", "0123456789abcdef", "dismiss", "--note", "why"], ["db", "upgrade"]],
)
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (UNREACHABLE, "cannot open database postgresql+psycopg://someone:***@127.0.0.1:1/none: (psycopg.OperationalError) connection failed"),
        ("nonsense", "cannot open database <unparseable database URL>: Could not parse SQLAlchemy URL"),
    ],
)
def test_a_database_that_cannot_be_opened_is_exit_3_in_one_line(command, url, shown):
    result = runner.invoke(app, [*command, "--db", url])
    assert result.exit_code == 3, result.output
    line = one_line(result)
    assert line.startswith(shown) and "hemligt" not in line


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    """The console script, in its own process: typer's error panel and its traceback printer are both bypassed."""
    exe = Path(sys.executable).with_name("protokoll")
    env = {**os.environ, "COLUMNS": "80", "PROTOKOLL_WORKERS": "abc"}
    done = subprocess.run([str(exe), "db", "upgrade", "--db", f"sqlite:///{tmp_path / 'x.db'}"], capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", "protokoll db upgrade: Invalid value: PROTOKOLL_WORKERS must be a whole number greater than 0, not 'abc'\n"
    )
    env.pop("PROTOKOLL_WORKERS")
    done = subprocess.run([str(exe), "ingest", str(tmp_path), "--db", "nonsense"], capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (3, "cannot open database <unparseable database URL>: Could not parse SQLAlchemy URL from given URL string\n")
    done = subprocess.run([str(exe), "decisions", "--limit", "-1", "--db", UNREACHABLE], capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (2, "protokoll decisions: Invalid value for '--limit': Input should be greater than or equal to 1\n")
