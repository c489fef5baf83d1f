"""The test suite's Tesseract replay (tests/ocr_replay.py): what is replayed, and what always runs the program.

Each test records into a folder of its own and counts the real program's runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from pipeline.intake.ocr import ocr_image

from .conftest import load_generator
from .ocr_replay import REAL_RUN_AND_GET_OUTPUT, TesseractReplay, engine

TSV = "-c tessedit_create_tsv=1 "  # what pytesseract's image_to_data adds to the configuration
LINES = ["Minnesanteckningar Socialchefsnätverket i Dalarna", "Plats: Stängslet, Myntgatan 2, Falun"]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """Two printed lines: small enough that each real run below takes about a second."""
    generator = load_generator()
    image = generator.draw_page(LINES, generator.scan_font()).crop((0, 0, 2480, 500))
    path = tmp_path / "page.png"
    image.save(path)
    return path


@pytest.fixture
def replay(tmp_path: Path) -> TesseractReplay:
    """A replay recording in its own folder, whose real calls are listed in `replay.calls`."""
    calls: list[object] = []

    def real(*args):
        calls.append(args[0])
        return REAL_RUN_AND_GET_OUTPUT(*args)

    recorder = TesseractReplay(folders=(tmp_path / "recordings",), real=real)
    recorder.calls = calls
    return recorder


def test_the_same_request_is_answered_from_its_recording(replay: TesseractReplay, page: Path) -> None:
    first = replay(str(page), "tsv", "swe", "-c tessedit_create_tsv=1 --psm 3 --dpi 300")
    again = replay(str(page), "tsv", "swe", "-c tessedit_create_tsv=1 --psm 3 --dpi 300")
    assert again == first and "Socialchefsnätverket" in first
    assert len(replay.calls) == 1
    assert (replay.replayed, replay.ran) == (1, 1)
    assert len(list((replay.folders[-1]).glob("*.tsv"))) == 1


def test_another_image_or_configuration_runs_tesseract(replay: TesseractReplay, page: Path, tmp_path: Path) -> None:
    replay(str(page), "tsv", "swe", TSV + "--psm 3")
    changed = tmp_path / "changed.png"
    with Image.open(page) as image:
        image = image.copy()
    image.putpixel((0, 0), 0)
    image.save(changed)
    replay(str(changed), "tsv", "swe", TSV + "--psm 3")
    replay(str(page), "tsv", "swe", TSV + "--psm 6")
    replay(str(page), "tsv", "eng", TSV + "--psm 3")
    assert len(replay.calls) == 4 and replay.replayed == 0


def test_another_tesseract_program_is_always_run(replay: TesseractReplay, page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replay(str(page), "tsv", "swe", TSV + "--psm 3")
    monkeypatch.setattr(engine, "tesseract_cmd", shutil.which("tesseract"))
    replay(str(page), "tsv", "swe", TSV + "--psm 3")
    assert len(replay.calls) == 2 and replay.replayed == 0


def test_the_pipeline_reads_a_replayed_page_as_it_read_the_real_one(replay: TesseractReplay, page: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "run_and_get_output", replay)
    real = ocr_image(page)
    replayed = ocr_image(page)
    assert replayed == real and real.text.split() == " ".join(LINES).split()
    assert replay.replayed >= 1 and len(replay.calls) == replay.ran
