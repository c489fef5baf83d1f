from pathlib import Path

import pytest

from extractors.segment import classify, find_duplicate_sections, segment, strip_noise
from extractors.text import DocText

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> DocText:
    return DocText.from_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text\n| | | |\n|---|---|--|\n| Justerandes sign  |  | Utdragsbestyrkande  |\n|---|---|--|\nMer",
         "Text\n\n\n\n\nMer"),
        ("A\n|  | Utdragsbestyrkande <u>Eva Ek</u> |\nB", "A\n\nB"),
        ("Underskrift\nUtdragsbestyrkande\nC", "Underskrift\n\nC"),
        ("TJÄNSTESKRIVELSE\n2019-03-12\n1 (4)\nDiarienummer", "TJÄNSTESKRIVELSE\n2019-03-12\n\nDiarienummer"),
        ("Sida 2 av 7\nText", "\nText"),
        ("| Kommun | Namn |\n|---|---|\n| Falun | Eva |", "| Kommun | Namn |\n|---|---|\n| Falun | Eva |"),
    ],
)
def test_strip_noise_blanks_without_moving_offsets(text, expected):
    out = strip_noise(text)
    assert len(out) == len(text)
    assert "\n".join(line.strip() for line in out.split("\n")) == expected


def test_repeated_page_header_across_pages():
    pages = ["Protokoll nr 11\nSammanträdesdatum: 2021-03-04\n§ 1\nText ett", "Protokoll nr 11\nSammanträdesdatum: 2021-03-04\n§ 2\nText två"]
    out = strip_noise("\f".join(pages))
    assert out.split("\f")[1].split("\n")[2:] == ["§ 2", "Text två"]
    assert out.split("\f")[1].split("\n")[0].strip() == ""


def test_seed_001_bundle_sections():
    doc = seed("001")
    sections = segment(doc)
    kinds = [s.kind for s in sections]
    assert [(s.kind, s.label) for s in sections if s.kind == "paragraph_extract"] == [
        ("paragraph_extract", "55"), ("paragraph_extract", "1039"), ("paragraph_extract", "1034")]
    assert kinds.count("protocol_cover") == 3
    assert kinds.count("notice") == 3
    assert kinds.count("attendance") == 3
    assert kinds.count("email") == 2
    assert kinds.count("tjansteskrivelse") == 2
    assert classify(doc, sections) == "protocol_bundle"
    for s in sections:
        assert doc.text[s.start : s.end] == s.text
    assert sections[0].text.startswith("§ 55")


def test_seed_001_repeated_attachments():
    sections = segment(seed("001"))
    pairs = find_duplicate_sections(sections, threshold=99.5)
    assert sorted({sections[i].kind for i, _, _ in pairs}) == ["board_message", "email", "letter"]
    for i, j, score in pairs:
        assert sections[i].kind == sections[j].kind and score >= 99.5


@pytest.mark.parametrize(("prefix", "doc_type"), [("000", "letter"), ("001", "protocol_bundle"), ("002", "report"), ("004", "minutes")])
def test_classify_seeds(prefix, doc_type):
    doc = seed(prefix)
    assert classify(doc, segment(doc)) == doc_type


def test_seed_004_agenda_labels():
    labels = [s.label for s in segment(seed("004")) if s.kind == "minutes_item"]
    assert labels == ["1", "2", "3", "4", "4a", "5", "5a", "5b", "5c", "5d", "6", "6a", "6b", "6c", "7", "7a", "7b", "7c", "7d"]


FULL_PROTOCOL = """Sammanträdesprotokoll
Datum 2022-02-10
Plats Stadshuset
Beslutande Se närvarolista
Paragrafer 1-3
Sekreterare Eva Ek
§ 1
Val av justerare
Kommunfullmäktige beslutar att utse Bo Al att justera protokollet.
§ 2 Dnr KF 2022/14
Budget
Kommunfullmäktiges beslut
1. Budgeten fastställs.
§ 3
Anmälningar
Beslut
Anmälningarna läggs till handlingarna.
"""


def test_full_protocol_variant():
    doc = DocText.from_text(FULL_PROTOCOL)
    sections = segment(doc)
    assert [(s.kind, s.label) for s in sections] == [
        ("protocol_cover", None), ("paragraph_extract", "1"), ("paragraph_extract", "2"), ("paragraph_extract", "3")]
    assert classify(doc, sections) == "protocol"


def test_attendance_ranges_are_not_paragraph_headings():
    doc = DocText.from_text("Närvarolista\nBeslutande\nEva Ek (C), § 48-49, 53 och 57\n§ 48-49\n§ 50 och 51\n")
    assert [s.kind for s in segment(doc)] == ["attendance"]


def test_email_and_letter_variant():
    text = ("fredag 2021-09-03 10:12\n\nInkommande mail\n\nFrån: info@exempel.se\nSkickat: 2021-09-03\n\nHej!\n\n"
            "2021-09-01\n\nKarin Berg\nEnhetschef\n\nTill kommunerna\n\nText i brevet.")
    doc = DocText.from_text(text)
    sections = segment(doc)
    assert [(s.kind, s.rule) for s in sections] == [("email", "email_heading"), ("letter", "letter_date")]
    assert classify(doc, sections) == "letter"


@pytest.mark.parametrize(
    ("heading", "label"),
    [("§ 12", "12"), ("$12", "12"), ("$ 12", "12"), ("& 1039", "1039"), ("8 1039", "1039")],
)
def test_ocr_readings_of_a_paragraph_heading(heading, label):
    doc = DocText.from_text(f"Kommunstyrelsen\n\n{heading}\n\nDnr KS 2022/118\n\nUTDRAG\nBudget 2023\n")
    assert [(s.kind, s.label) for s in segment(doc) if s.kind == "paragraph_extract"] == [("paragraph_extract", label)]


@pytest.mark.parametrize("line", ["8 1039", "& 12", "$12"])
def test_ocr_heading_needs_a_case_number_after_it(line):
    doc = DocText.from_text(f"Tabell\n\n{line}\n\nSumma kostnader för året\n")
    assert [s for s in segment(doc) if s.kind == "paragraph_extract"] == []
