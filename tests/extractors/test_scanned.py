"""Extraction from the scanned samples after real Tesseract OCR: the same records as from the text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract_document
from models.records import Extraction
from pipeline.intake.load import ocr_page, prepare
from pipeline.settings import Settings


@pytest.fixture(scope="module")
def tyreso_scan(generated_samples: Path) -> Extraction:
    """The three scanned pages of the Tyresö bundle (§ 55, § 1039 and the start of the SKL material)."""
    settings = Settings()
    prepared = prepare(generated_samples / "scanned" / "001_tyreso_bundle_scan.pdf", settings)
    assert prepared.pages == [] and prepared.ocr_pages == [1, 2, 3]
    pages = [ocr_page(prepared.path, prepared.kind, n, settings) for n in prepared.ocr_pages]
    assert all(p.error is None for p in pages)
    return extract_document(pages)


def test_paragraphs_case_numbers_and_bodies_survive_ocr(tyreso_scan: Extraction) -> None:
    assert [(i.paragraph, i.case_number.normalised, i.body, i.decision_kind) for i in tyreso_scan.items] == [
        (55, "2019/KS 0222 12", "Kommunledningsutskottet", "proposal"),
        (1039, "2019/ÅON 0042 010", "Äldre- och omsorgsnämnden", "proposal"),
    ]
    for item in tyreso_scan.items:
        assert len(item.decisions) == 2
        assert item.decisions[0].startswith("Tyresö kommun medverkar till finansiering av ett samlat system för kunskapsstyrning")
        assert item.decisions[1] == "Kostnaden fördelas enligt förvaltningens förslag."


def test_references_read_through_ocr_paragraph_signs(tyreso_scan: Extraction) -> None:
    """The attachment names come out of Tesseract as '… 2019-04-29 $ 1034.pdf' and '… 2019-04-24 & 1039.pdf'."""
    (first, _) = tyreso_scan.items
    assert [(r.body, r.date, r.paragraph) for r in first.references] == [
        ("Arbetsmarknads- och socialnämnden", date(2019, 4, 29), 1034),
        ("Äldre- och omsorgsnämnden", date(2019, 4, 24), 1039),
    ]


def test_document_facts_survive_ocr(tyreso_scan: Extraction) -> None:
    assert (tyreso_scan.doc_type, tyreso_scan.municipality, tyreso_scan.municipality_code) == ("protocol_bundle", "Tyresö", "0138")
    assert {(p.start, p.end) for p in tyreso_scan.periods} >= {(2020, 2023), (2020, 2024)}
    assert date(2019, 6, 15) in {d.value for d in tyreso_scan.dates if d.role == "deadline"}
