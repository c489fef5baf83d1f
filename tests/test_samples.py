"""The sample generator: every promised file exists and has the property it is there to exercise."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .conftest import load_generator

BAD = ["empty.pdf", "truncated.pdf", "encrypted.pdf", "png_named.pdf", "zero_pages.pdf",
       "half_scanned.pdf", "garbage_layer.pdf", "latin1.txt", "notes.md"]
TEXT_PDFS = ["000_skl_letter_2018", "001_tyreso_bundle", "002_skl_report_2012",
             "003_skr_ocr_2022", "004_dalarna_minutes_2025"]


@pytest.mark.parametrize("name", BAD)
def test_bad_file_exists(generated_samples: Path, name: str) -> None:
    assert (generated_samples / "bad" / name).is_file()


def test_empty_pdf_has_zero_bytes(generated_samples: Path) -> None:
    assert (generated_samples / "bad" / "empty.pdf").stat().st_size == 0


def test_truncated_pdf_is_the_letter_cut_at_sixty_percent(generated_samples: Path) -> None:
    letter = (generated_samples / "pdf" / "000_skl_letter_2018.pdf").read_bytes()
    truncated = (generated_samples / "bad" / "truncated.pdf").read_bytes()
    assert truncated == letter[: len(letter) * 6 // 10]
    assert truncated.startswith(b"%PDF-") and b"%%EOF" not in truncated


def test_encrypted_pdf_needs_the_password_secret(generated_samples: Path) -> None:
    reader = PdfReader(generated_samples / "bad" / "encrypted.pdf")
    assert reader.is_encrypted
    assert not reader.decrypt("wrong")
    assert reader.decrypt("secret")
    assert "2018-06-27" in reader.pages[0].extract_text()


def test_png_named_pdf_holds_png_bytes(generated_samples: Path) -> None:
    data = (generated_samples / "bad" / "png_named.pdf").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_zero_pages_pdf_is_valid_with_an_empty_page_tree(generated_samples: Path) -> None:
    path = generated_samples / "bad" / "zero_pages.pdf"
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == 0
    assert reader.trailer["/Root"]["/Pages"]["/Count"] == 0


def test_zero_pages_pdf_xref_offsets_point_at_their_objects(generated_samples: Path) -> None:
    data = (generated_samples / "bad" / "zero_pages.pdf").read_bytes()
    startxref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[startxref:].startswith(b"xref")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj" % number)


def test_half_scanned_pdf_has_text_then_image_only(generated_samples: Path) -> None:
    reader = PdfReader(generated_samples / "bad" / "half_scanned.pdf")
    assert len(reader.pages) == 2
    assert "Socialchefsnätverket" in reader.pages[0].extract_text()
    assert reader.pages[1].extract_text().strip() == ""
    assert len(reader.pages[1].images) == 1


def test_garbage_layer_pdf_text_is_nonsense_over_a_readable_image(generated_samples: Path) -> None:
    page = PdfReader(generated_samples / "bad" / "garbage_layer.pdf").pages[0]
    text = page.extract_text()
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    assert visible > 500
    assert letters / visible < 0.1
    assert len(page.images) == 1


def test_latin1_txt_is_cp1252_not_utf8(generated_samples: Path) -> None:
    data = (generated_samples / "bad" / "latin1.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "Socialchefsnätverket" in text
    assert len(text.splitlines()) == 40


def test_notes_md_is_utf8(generated_samples: Path) -> None:
    assert "lösenord" in (generated_samples / "bad" / "notes.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", TEXT_PDFS)
def test_text_pdf_carries_the_seed_text(generated_samples: Path, name: str) -> None:
    generator = load_generator()
    first_line = next(line.strip() for line in generator.seed_text(name[:3]).splitlines() if line.strip())
    pdf = pdfium.PdfDocument(str(generated_samples / "pdf" / f"{name}.pdf"))
    assert pdf[0].get_width() == pytest.approx(595.27, abs=0.1)
    assert first_line in pdf[0].get_textpage().get_text_range()


@pytest.mark.parametrize("name, pages", [("001_tyreso_bundle_scan", 3), ("004_dalarna_minutes_scan", 6)])
def test_scanned_pdf_is_image_only_with_ground_truth_per_page(
    generated_samples: Path, name: str, pages: int
) -> None:
    scanned = generated_samples / "scanned"
    reader = PdfReader(scanned / f"{name}.pdf")
    assert len(reader.pages) == pages
    assert all(page.extract_text().strip() == "" for page in reader.pages)
    truths = sorted((scanned.parent / "truth" / f"{name}.gt").glob("page-*.txt"))
    assert [t.name for t in truths] == [f"page-{n:03d}.txt" for n in range(1, pages + 1)]
    assert all(t.read_text(encoding="utf-8").strip() for t in truths)


def test_rotated_png_is_a_landscape_page(generated_samples: Path) -> None:
    with Image.open(generated_samples / "scanned" / "004_page1_rotated.png") as image:
        assert image.size == (3508, 2480)


def test_multipage_tiff_has_two_bilevel_pages(generated_samples: Path) -> None:
    with Image.open(generated_samples / "scanned" / "multipage.tiff") as image:
        assert image.n_frames == 2
        assert image.mode == "1"


def test_generator_is_deterministic(generated_samples: Path, tmp_path: Path) -> None:
    load_generator().generate(tmp_path, ["pdf", "bad"])
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        assert path.read_bytes() == (generated_samples / path.relative_to(tmp_path)).read_bytes(), path


def test_unknown_group_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown sample group"):
        load_generator().generate(tmp_path, ["nope"])
