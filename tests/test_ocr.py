"""pipeline.intake.ocr on generated pages.

Tests marked `real_tesseract` run the program (one scanned page read once for the module, the slot and
error handling); the others test what the pipeline does around it with Tesseract's recorded answers
for the same images (tests/ocr_replay.py), and run it for any image not recorded yet.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from rapidfuzz.distance import Levenshtein

from models.records import OcrResult
from pipeline.errors import OcrError, OcrUnavailableError
from PIL import Image

from pipeline.intake.ocr import MIN_SKEW, estimate_geometry, ocr_image, render_pdf_page, result_from_data, tesseract_slots

from .conftest import load_generator
from .ocr_replay import real_tesseract


def cer(text: str, truth: str) -> float:
    """Character error rate on whitespace-normalised text."""
    return Levenshtein.normalized_distance(" ".join(text.split()), " ".join(truth.split()))


@pytest.fixture(scope="module")
def scanned_page(generated_samples: Path) -> Image.Image:
    return render_pdf_page(generated_samples / "scanned" / "004_dalarna_minutes_scan.pdf", 0)


@pytest.fixture(scope="module")
def scanned_result(scanned_page: Image.Image) -> OcrResult:
    """The real program's reading of the scanned page (never replayed: the CER test measures Tesseract itself)."""
    with real_tesseract():
        return ocr_image(scanned_page)


def test_thread_limit_is_set_for_tesseract_subprocesses() -> None:
    assert os.environ["OMP_THREAD_LIMIT"]


def test_render_pdf_page_gives_a4_at_300_dpi_grayscale(scanned_page: Image.Image) -> None:
    assert scanned_page.mode == "L"
    assert abs(scanned_page.width - 2480) <= 2 and abs(scanned_page.height - 3508) <= 2
    assert scanned_page.info["dpi"] == (300, 300)


def _image_pdf(path: Path, image: Image.Image, dpi: int, *, turned: bool = False, text: bool = False) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    if turned:  # the scan placed with a quarter turn: its pixels are not the page as seen
        pdf.translate(width, 0)
        pdf.rotate(90)
        width, height = height, width
    pdf.drawImage(ImageReader(image.resize((round(8.27 * dpi), round(11.69 * dpi)))), 0, 0, width=width, height=height)
    if text:
        pdf.drawString(72, 72, "Justerandes sign")
    pdf.showPage()
    pdf.save()
    return path


def test_a_page_that_is_one_scan_is_read_at_the_scans_own_resolution(scanned_page: Image.Image, tmp_path: Path) -> None:
    page = render_pdf_page(_image_pdf(tmp_path / "scan.pdf", scanned_page, 200), 0, dpi=300)
    assert (page.mode, page.size, page.info["dpi"]) == ("L", (1654, 2338), (200, 200))


@pytest.mark.parametrize("kind", ["turned", "text"])
def test_a_scan_placed_turned_or_under_text_is_rendered(scanned_page: Image.Image, tmp_path: Path, kind: str) -> None:
    pdf = _image_pdf(tmp_path / f"{kind}.pdf", scanned_page, 200, turned=kind == "turned", text=kind == "text")
    page = render_pdf_page(pdf, 0, dpi=150)
    assert page.info["dpi"] == (150, 150)
    assert abs(page.width - 1240) <= 2 and abs(page.height - 1754) <= 2


@pytest.mark.real_tesseract
def test_scanned_page_character_error_rate_at_most_two_percent(
    scanned_result: OcrResult, generated_samples: Path
) -> None:
    truth = (generated_samples / "truth" / "004_dalarna_minutes_scan.gt" / "page-001.txt").read_text("utf-8")
    assert cer(scanned_result.text, truth) <= 0.02
    assert scanned_result.rotation == 0
    # Measured, and below MIN_SKEW, so the page was read as it is.
    assert 0.4 <= abs(scanned_result.skew) <= 1.3


def test_a_file_and_the_same_image_in_memory_read_alike(scanned_page: Image.Image, scanned_result: OcrResult, tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    scanned_page.save(path)
    assert ocr_image(path).text == scanned_result.text


def test_large_skew_is_corrected_before_recognition(scanned_page: Image.Image, generated_samples: Path) -> None:
    # The page is printed about 1 degree clockwise; turning it 4.5 degrees back leaves about 3.5 degrees.
    turned = scanned_page.rotate(4.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    result = ocr_image(turned)
    assert 3.2 <= result.skew <= 3.7 and result.skew > MIN_SKEW
    # The corrected page keeps the size of the turned one; the words line up again.
    assert (result.width, result.height) == turned.size
    truth = (generated_samples / "truth" / "004_dalarna_minutes_scan.gt" / "page-001.txt").read_text("utf-8")
    assert cer(result.text, truth) <= 0.01


@pytest.mark.real_tesseract
def test_words_carry_boxes_confidences_and_line_numbers(scanned_result: OcrResult) -> None:
    words = scanned_result.words
    assert len(words) > 200
    assert all(w.text and w.width > 0 and w.height > 0 for w in words)
    assert all(0 <= w.left and w.left + w.width <= scanned_result.width for w in words)
    assert all(0 <= w.top and w.top + w.height <= scanned_result.height for w in words)
    assert all(-1 <= w.conf <= 100 for w in words)
    assert [w.line for w in words] == sorted(w.line for w in words)
    assert scanned_result.mean_conf > 80
    first = words[0]
    assert first.text == "Socialchefsnätverket"
    assert first.line == 0


def test_page_turned_90_degrees_is_turned_back_and_read(generated_samples: Path) -> None:
    scanned = generated_samples / "scanned"
    result = ocr_image(scanned / "004_page1_rotated.png")
    assert result.rotation == 270
    assert (result.width, result.height) == (2480, 3508)
    truth = (scanned.parent / "truth" / "004_page1_rotated.gt" / "page-001.txt").read_text("utf-8")
    assert cer(result.text, truth) <= 0.02


@pytest.mark.parametrize("skew", [-4.0, -0.45, 1.1])
def test_skew_is_measured_within_three_tenths_of_a_degree(skew: float) -> None:
    generator = load_generator()
    font = generator.scan_font()
    lines = generator.scan_pages(generator.seed_text("002"), font)[1]
    page = generator.degrade(generator.draw_page(lines, font), np.random.default_rng(7), skew)
    geometry = estimate_geometry(page)
    assert geometry.rotation == 0
    assert abs(geometry.skew - skew) <= 0.3


@pytest.mark.parametrize("turn, expected", [(90, 270), (180, 180), (270, 90)])
def test_orientation_is_found_for_each_quarter_turn(turn: int, expected: int) -> None:
    generator = load_generator()
    font = generator.scan_font()
    lines = generator.scan_pages(generator.seed_text("000"), font)[0]
    page = generator.draw_page(lines, font).rotate(turn, expand=True)
    assert estimate_geometry(page).rotation == expected


def test_page_text_is_laid_out_by_word_position_not_by_tesseract_block() -> None:
    """Tesseract put the value 'Falun' in a block of its own, after the labels; by position it stands beside 'Plats:'."""
    rows = [
        # level, block, par, line, text, conf, left, top, width, height
        (1, 0, 0, 0, "", -1, 0, 0, 2000, 600),
        (5, 1, 1, 1, "Datum:", 91.5, 100, 100, 120, 40),
        (5, 1, 1, 1, "2025-10-17", 88.0, 600, 100, 210, 40),
        (5, 1, 1, 2, "Tid:", 90.0, 100, 170, 70, 40),
        (4, 1, 2, 1, "", -1, 100, 240, 110, 40),
        (5, 1, 2, 1, "Plats:", 70.0, 100, 240, 110, 40),
        (5, 2, 1, 1, " ", -1, 600, 240, 10, 40),
        (5, 2, 1, 1, "Falun", -1, 600, 240, 110, 40),
    ]
    data = {
        key: [r[k] for r in rows]
        for k, key in enumerate(("level", "block_num", "par_num", "line_num", "text", "conf", "left", "top", "width", "height"))
    }
    result = result_from_data(data)
    assert result.text == "Datum: 2025-10-17\nTid:\nPlats: Falun"
    assert [(w.text, w.line, w.left, w.top, w.conf) for w in result.words] == [
        ("Datum:", 0, 100, 100, 91.5),
        ("2025-10-17", 0, 600, 100, 88.0),
        ("Tid:", 1, 100, 170, 90.0),
        ("Plats:", 2, 100, 240, 70.0),
        ("Falun", 2, 600, 240, -1.0),
    ]
    assert result.mean_conf == pytest.approx((91.5 + 88.0 + 90.0 + 70.0) / 4, abs=0.01)


@pytest.fixture
def small_page(tmp_path: Path) -> Path:
    generator = load_generator()
    font = generator.scan_font()
    page = generator.draw_page(["Minnesanteckningar"], font).crop((0, 0, 1200, 300))
    path = tmp_path / "small.png"
    page.save(path)
    return path


@pytest.mark.real_tesseract
def test_tesseract_runs_only_while_holding_a_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three threads, one slot: the pages are prepared at once, but no two Tesseract processes overlap."""
    generator = load_generator()
    lines = ["Minnesanteckningar Socialchefsnätverket i Dalarna", "Plats: Stängslet, Myntgatan 2, Falun"]
    page = generator.draw_page(lines, generator.scan_font()).crop((0, 0, 2480, 500))
    log = tmp_path / "spans.log"
    wrapper = tmp_path / "tesseract"
    wrapper.write_text(
        f'#!/bin/sh\nstart=$(date +%s.%N)\n{shutil.which("tesseract")} "$@"\nstatus=$?\n'
        f'echo "$start $(date +%s.%N)" >> {log}\nexit $status\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(wrapper))
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: ocr_image(page, slots=tesseract_slots(1)), range(3)))
    assert [r.text.split() for r in results] == [" ".join(lines).split()] * 3
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) >= 3
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


@pytest.mark.real_tesseract
def test_missing_language_data_is_ocr_unavailable(small_page: Path) -> None:
    with pytest.raises(OcrUnavailableError, match="install tesseract-ocr"):
        ocr_image(small_page, language="qqx")


@pytest.mark.real_tesseract
def test_missing_tesseract_binary_is_ocr_unavailable(small_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(OcrUnavailableError, match="tesseract-ocr-swe"):
        ocr_image(small_page)


def test_non_image_file_is_ocr_error(generated_samples: Path) -> None:
    with pytest.raises(OcrError, match="cannot read notes.md as an image"):
        ocr_image(generated_samples / "bad" / "notes.md")


def test_rendering_a_page_that_does_not_exist_is_ocr_error(generated_samples: Path) -> None:
    with pytest.raises(OcrError, match="page 99 does not exist"):
        render_pdf_page(generated_samples / "pdf" / "000_skl_letter_2018.pdf", 98)
