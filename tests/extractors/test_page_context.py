"""Running page headers and footers, the page context they give, and their removal from the flowing text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import extractors.document as document
from extractors.document import extract_document
from extractors.page_context import PageContext, document_regions, page_contexts, running_lines, running_spans
from extractors.segment import strip_noise
from models.records import PageMethod, PageText, Region, RegionKind
from pipeline.intake.load import load_pdf
from pipeline.settings import Settings

ITEMS = [(12, "Budget 2025"), (13, "Taxor och avgifter 2025"), (14, "Val av ombud")]


def protocol_pages(header: str = "Kulturnämnden Sammanträdesprotokoll", counter: str = "Sida {n} av 3") -> list[str]:
    return [
        f"{header}\n2024-03-12\n§ {par}\nDnr KN 2024/{par}\n{title}\nBeslut\nFörslaget till {title.lower()} godkänns.\n"
        f"Justerandes sign Utdragsbestyrkande\n{counter.format(n=n)}"
        for n, (par, title) in enumerate(ITEMS, start=1)
    ]


def as_pages(texts: list[str]) -> list[PageText]:
    return [PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(texts, start=1)]


def test_header_and_footer_lines_found_on_every_page_page_numbers_ignored():
    found = running_lines(protocol_pages())
    assert [[(r.kind.value, r.text) for r in page] for page in found] == [
        [("header", "Kulturnämnden Sammanträdesprotokoll"), ("header", "2024-03-12"),
         ("footer", "Justerandes sign Utdragsbestyrkande"), ("footer", f"Sida {n} av 3")]
        for n in (1, 2, 3)
    ]


def test_section_and_case_lines_at_the_top_of_every_page_stay():
    """'§ N' and 'Dnr ...' open every page here, yet they are the pages' content, not a header."""
    found = running_lines(protocol_pages())
    assert not any(r.text.startswith(("§", "Dnr")) for page in found for r in page)


@pytest.mark.parametrize(
    ("counter", "numbers"),
    [("Sida {n} av 3", [(1, 3), (2, 3), (3, 3)]), ("{n} (3)", [(1, 3), (2, 3), (3, 3)]), ("{n}", [(1, None), (2, None), (3, None)])],
)
def test_page_context_reads_body_date_and_page_x_of_y(counter, numbers):
    contexts = page_contexts(as_pages(protocol_pages(counter=counter)))
    assert contexts == [
        PageContext(page=n, body="Kulturnämnden", meeting_date=date(2024, 3, 12), page_number=x, page_count=of)
        for n, (x, of) in enumerate(numbers, start=1)
    ]


def test_protocol_number_and_labelled_date():
    texts = [f"Protokoll nr 4\nSammanträdesdatum: 2023-11-08\nText på sidan {n} om ärendet.\nmed mera\n{n} (2)" for n in (1, 2)]
    assert page_contexts(as_pages(texts))[1] == PageContext(page=2, protocol_number=4, meeting_date=date(2023, 11, 8), page_number=2, page_count=2)


def test_a_letters_dated_head_is_no_meeting_date():
    texts = [f"Stadsledningskontoret\n2024-01-15\nBrev sida {n} om samverkan.\nslut\nSida {n} av 2" for n in (1, 2)]
    assert [c.meeting_date for c in page_contexts(as_pages(texts))] == [None, None]


def test_form_feed_text_loses_its_running_lines_offsets_kept():
    text = "\f".join(protocol_pages())
    clean = strip_noise(text)
    assert len(clean) == len(text)
    assert clean.split("\f")[1].split("\n") == [
        " " * len("Kulturnämnden Sammanträdesprotokoll"), " " * 10, "§ 13", "Dnr KN 2024/13", "Taxor och avgifter 2025",
        "Beslut", "Förslaget till taxor och avgifter 2025 godkänns.", " " * len("Justerandes sign Utdragsbestyrkande"), " " * len("Sida 2 av 3"),
    ]
    assert [(a, b) for a, b in running_spans(text)][:2] == [(0, 35), (36, 46)]


def test_items_take_the_meeting_date_from_the_page_context(monkeypatch):
    pages = as_pages(protocol_pages())
    found = [(i.number, i.body, i.meeting_date) for i in extract_document(pages).items]
    assert found == [(str(par), "Kulturnämnden", date(2024, 3, 12)) for par, _ in ITEMS]
    # without the page context nothing else in these pages dates the items
    monkeypatch.setattr(document, "_take_page_context", lambda *args: None)
    assert {i.meeting_date for i in extract_document(pages).items} == {None}


def test_pdf_pages_carry_header_and_footer_regions(tmp_path: Path):
    path = tmp_path / "protocol.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, (par, title) in enumerate(ITEMS, start=1):
        c.setFont("Helvetica", 9)
        c.drawString(60, 800, "Kulturnämnden")
        c.drawString(400, 800, "Sammanträdesprotokoll")
        c.drawString(400, 788, "2024-03-12")
        c.setFont("Helvetica", 11)
        for k, line in enumerate([f"§ {par}", f"Dnr KN 2024/{par}", title, "Beslut", f"Förslaget till {title.lower()} godkänns."]):
            c.drawString(60, 740 - 16 * k, line)
        c.setFont("Helvetica", 8)
        c.drawString(60, 60, "Justerandes sign")
        c.drawString(400, 60, "Utdragsbestyrkande")
        c.drawString(500, 40, f"Sida {n} av 3")
        c.showPage()
    c.save()
    doc = load_pdf(path, "0" * 64, path.stat().st_size, Settings())
    page = doc.pages[1]
    assert page.text.split("\n") == [
        "Kulturnämnden Sammanträdesprotokoll", "2024-03-12", "§ 13", "Dnr KN 2024/13", "Taxor och avgifter 2025",
        "Beslut", "Förslaget till taxor och avgifter 2025 godkänns.", "Justerandes sign Utdragsbestyrkande", "Sida 2 av 3",
    ]
    assert [(r.kind, page.text[r.start : r.end]) for r in page.regions] == [
        (RegionKind.HEADER, "Kulturnämnden Sammanträdesprotokoll"), (RegionKind.HEADER, "2024-03-12"),
        (RegionKind.FOOTER, "Justerandes sign Utdragsbestyrkande"), (RegionKind.FOOTER, "Sida 2 av 3"),
    ]
    # in document offsets (pages joined by form feeds), as extractors see them
    joined = "\f".join(p.text for p in doc.pages)
    footers = document_regions(doc.pages, frozenset({RegionKind.FOOTER}))
    assert [joined[r.start : r.end] for r in footers][-1] == "Sida 3 av 3"
    assert all(isinstance(r, Region) for r in footers)


def test_a_cover_without_the_header_takes_what_the_other_pages_agree_on():
    cover = "Kallelse till sammanträde\nTid och plats: Stadshuset kl 18.00\nÄrenden enligt förteckning"
    texts = [cover, *protocol_pages()[:2]]
    assert page_contexts(as_pages(texts))[0] == PageContext(page=1, body="Kulturnämnden", meeting_date=date(2024, 3, 12))


def test_pages_that_disagree_lend_nothing():
    """Two meetings' pages under one body: the headerless page takes the body, not either date."""
    texts = [
        "Inledning utan sidhuvud\nnågra rader text\nmer text",
        "Kulturnämnden Sammanträdesprotokoll\n2024-03-12\nText om budget.\nslut\nSida 2 av 3",
        "Kulturnämnden Sammanträdesprotokoll\n2024-04-02\nText om taxor.\nslut\nSida 3 av 3",
    ]
    contexts = page_contexts(as_pages(texts))
    assert [c.meeting_date for c in contexts] == [None, date(2024, 3, 12), date(2024, 4, 2)]
    assert contexts[0] == PageContext(page=1, body="Kulturnämnden")
