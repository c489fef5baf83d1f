"""Layout reading of text-layer pages: label/value covers, rotated margin text, hyphens, tables, two columns.

Each case is a small PDF drawn with reportlab and read through pypdfium2 and pipeline.intake.layout, as load_pdf
reads real files; the expected page text is spelled out line by line.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from models.records import PageMethod, RegionKind
from pipeline.intake.layout import Box, LaidOutPage, layout_page, words_from_chars
from pipeline.intake.load import load_pdf, pdf_page_words
from pipeline.settings import Settings

WIDTH, HEIGHT = A4


class Page:
    """Draw on one page with y measured from the top, as layout boxes are."""

    def __init__(self, c: canvas.Canvas) -> None:
        self.c = c

    def text(self, x: float, y: float, text: str, size: float = 10, font: str = "Helvetica") -> None:
        self.c.setFont(font, size)
        self.c.drawString(x, HEIGHT - y, text)

    def rotated(self, x: float, y: float, text: str, size: float = 7) -> None:
        self.c.saveState()
        self.c.translate(x, HEIGHT - y)
        self.c.rotate(90)
        self.c.setFont("Helvetica", size)
        self.c.drawString(0, 0, text)
        self.c.restoreState()


def make_pdf(path: Path, *drawers) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for draw in drawers:
        draw(Page(c))
        c.showPage()
    c.save()
    return path


def read(path: Path) -> list[LaidOutPage]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in pdf:
            width, height = page.get_size()
            out.append(layout_page(pdf_page_words(page.get_textpage(), height), width, height))
        return out
    finally:
        pdf.close()


def assert_offsets(page: LaidOutPage) -> None:
    assert page.words
    assert all(page.text[w.start : w.end] == w.text for w in page.words)
    assert [w.start for w in page.words] == sorted(w.start for w in page.words)


def regions(page: LaidOutPage) -> list[tuple[str, str]]:
    return [(r.kind.value, page.text[r.start : r.end]) for r in page.regions]


def test_cover_labels_read_beside_their_values(tmp_path):
    """A cover's labels in a smaller font, set a few points below the first value's baseline (where a
    tolerance on line tops puts the first name above its label): label and first value on one line,
    the further values on the lines below."""

    def cover(p: Page) -> None:
        p.text(60, 80, "Socialnämnden", 14)
        p.text(60, 130, "Plats och tid", 8)
        p.text(200, 127, "Stadshuset, kl 13.00-15.30", 11)
        p.text(60, 170, "Beslutande", 8)
        for k, name in enumerate(["Anna Berg (S), ordförande", "Per Lind (M)", "Eva Holm (C)"]):
            p.text(200, 166.5 + 14 * k, name, 11)
        p.text(60, 230, "Justerare", 8)
        p.text(200, 227, "Olof Ek (L)", 11)
        p.text(60, 260, "Paragrafer", 8)
        p.text(200, 257, "12-19", 11)

    page = read(make_pdf(tmp_path / "cover.pdf", cover))[0]
    assert page.text.split("\n") == [
        "Socialnämnden",
        "Plats och tid Stadshuset, kl 13.00-15.30",
        "Beslutande Anna Berg (S), ordförande",
        "Per Lind (M)",
        "Eva Holm (C)",
        "Justerare Olof Ek (L)",
        "Paragrafer 12-19",
    ]
    assert page.regions == []
    assert_offsets(page)


def test_rotated_margin_text_is_its_own_region_read_forwards(tmp_path):
    def signed(p: Page) -> None:
        p.text(72, 100, "Kommunstyrelsen beslutar att anta planen.")
        p.text(72, 114, "Beslutet gäller från och med den 1 juli.")
        p.rotated(30, 700, "Signerat elektroniskt: ref 4f2a-77c1")

    page = read(make_pdf(tmp_path / "signed.pdf", signed))[0]
    assert page.text == (
        "Kommunstyrelsen beslutar att anta planen.\nBeslutet gäller från och med den 1 juli.\n"
        "Signerat elektroniskt: ref 4f2a-77c1"
    )
    assert regions(page) == [("rotated", "Signerat elektroniskt: ref 4f2a-77c1")]
    assert_offsets(page)


def test_line_end_hyphen_kept_in_text_and_recorded(tmp_path):
    def hyphenated(p: Page) -> None:
        p.text(72, 100, "Nämnden ger förvaltningen i uppdrag att ut-")
        p.text(72, 114, "veckla samarbetet med grannkommunerna under")
        p.text(72, 128, "perioden 2025-")
        p.text(72, 142, "2028 tillsammans med Anna-")
        p.text(72, 156, "Karin Ek (S).")

    page = read(make_pdf(tmp_path / "hyphen.pdf", hyphenated))[0]
    assert page.text == (
        "Nämnden ger förvaltningen i uppdrag att ut-\nveckla samarbetet med grannkommunerna under\n"
        "perioden 2025-\n2028 tillsammans med Anna-\nKarin Ek (S)."
    )
    # only the word split for the line break: not a year range, not a name whose next part is capitalised
    assert page.hyphens == [page.text.index("ut-") + 2]
    assert regions(page) == [("hyphen", "-\n")]
    assert "att utveckla samarbetet" in page.dehyphenated()
    assert_offsets(page)


def test_paragraph_index_table_rows_and_region(tmp_path):
    def index(p: Page) -> None:
        p.text(60, 90, "Paragrafförteckning", 12, "Helvetica-Bold")
        p.text(60, 120, "§")
        p.text(110, 120, "Ärende")
        p.text(480, 120, "Sida")
        rows = [("§ 12", "Budget 2025 för nämnden", "3"), ("§ 13", "Taxor och avgifter", "4"), ("§ 14", "Val av ombud till stämman", "6")]
        for k, (number, title, sida) in enumerate(rows):
            p.text(60, 140 + 16 * k, number)
            p.text(110, 140 + 16 * k, title)
            p.text(480, 140 + 16 * k, sida)
        p.text(110, 188, "med ändrad tidplan")
        p.text(60, 230, "Sammanträdet öppnas av ordföranden.")

    page = read(make_pdf(tmp_path / "index.pdf", index))[0]
    assert page.text.split("\n") == [
        "Paragrafförteckning",
        "§\tÄrende\tSida",
        "§ 12\tBudget 2025 för nämnden\t3",
        "§ 13\tTaxor och avgifter\t4",
        "§ 14\tVal av ombud till stämman\t6",
        "\tmed ändrad tidplan",
        "Sammanträdet öppnas av ordföranden.",
    ]
    assert [r[0] for r in regions(page)] == ["index_table"]
    assert regions(page)[0][1].startswith("§\tÄrende") and regions(page)[0][1].endswith("med ändrad tidplan")
    assert_offsets(page)


def test_index_written_as_lines_under_its_heading():
    """A § index without columns ("§ 12 Budget ...... 3") is found by its heading and rows."""
    lines = ["Ärendelista", "§ 12 Budget 2025 ........ 3", "§ 13 Taxor och avgifter ........ 4", "§ 14 Val av ombud 6", "", "§ 12 Budget 2025"]
    boxes = []
    for k, line in enumerate(lines):
        x = 60.0
        for word in line.split():
            boxes.append(Box(word, x, 100 + 20 * k, x + 6 * len(word), 112 + 20 * k))
            x += 6 * len(word) + 4
    page = layout_page(boxes, 600, 800)
    assert regions(page) == [("index_table", "Ärendelista\n§ 12 Budget 2025 ........ 3\n§ 13 Taxor och avgifter ........ 4\n§ 14 Val av ombud 6")]


def test_staggered_single_words_make_columns_but_no_table():
    """Close lines of one word each, each further right (as OCR reads a signature block or a stamp), project to
    three columns with no row of cells: they are lines, not a table (this raised StopIteration on a real scan)."""
    words = [Box("Justerare", 60, 100, 130, 112), Box("Ordförande", 220, 116, 300, 128), Box("Sekreterare", 420, 132, 510, 144)]
    page = layout_page(words, 600, 800)
    assert page.text == "Justerare\nOrdförande\nSekreterare"
    assert [r.kind for r in page.regions if r.kind == RegionKind.TABLE] == []


def test_vote_table_marks_land_in_their_columns(tmp_path):
    def votes(p: Page) -> None:
        p.text(60, 90, "Omröstningslista")
        for x, head in [(60, "Ledamot"), (300, "Ja"), (350, "Nej"), (400, "Avstår")]:
            p.text(x, 120, head)
        for k, (name, column) in enumerate([("Anna Berg (S)", 302), ("Per Lind (M)", 353), ("Eva Holm (C)", 405), ("Olof Ek (L)", 302)]):
            p.text(60, 136 + 14 * k, name)
            p.text(column, 136 + 14 * k, "X")
        p.text(60, 210, "Med 2 ja-röster mot 1 nej-röst beslutar nämnden enligt förslaget.")

    page = read(make_pdf(tmp_path / "votes.pdf", votes))[0]
    assert page.text.split("\n") == [
        "Omröstningslista",
        "Ledamot\tJa\tNej\tAvstår",
        "Anna Berg (S)\tX",
        "Per Lind (M)\t\tX",
        "Eva Holm (C)\t\t\tX",
        "Olof Ek (L)\tX",
        "Med 2 ja-röster mot 1 nej-röst beslutar nämnden enligt förslaget.",
    ]
    assert [r[0] for r in regions(page)] == ["table"]
    assert_offsets(page)


def test_two_prose_columns_read_one_after_the_other(tmp_path):
    left = ["Kommunen har under året arbetat med", "att förbättra tillgängligheten i alla", "verksamheter och särskilt i skolorna", "där flera lokaler har byggts om."]
    right = ["Nästa år fortsätter arbetet med de", "lokaler som ännu inte är anpassade", "och med information till invånarna", "om vilka förändringar som gjorts."]

    def columns(p: Page) -> None:
        p.text(60, 80, "Verksamhetsberättelse 2024", 14)
        for k, (a, b) in enumerate(zip(left, right)):
            p.text(60, 120 + 14 * k, a)
            p.text(310, 120 + 14 * k, b)

    page = read(make_pdf(tmp_path / "columns.pdf", columns))[0]
    assert page.text.split("\n") == ["Verksamhetsberättelse 2024", *left, *right]
    assert_offsets(page)


def test_ocr_word_boxes_take_the_same_reading():
    """Tesseract-like word boxes (pixels, words not glyphs) beside each other on jittering baselines."""
    words = [
        Box("Beslutande", 100, 402, 260, 430),
        Box("Anna", 500, 396, 580, 428), Box("Berg", 592, 397, 668, 429), Box("(S)", 680, 395, 724, 431),
        Box("Per", 500, 446, 552, 478), Box("Lind", 562, 447, 630, 478), Box("(M)", 642, 445, 690, 481),
    ]
    page = layout_page(words, 2480, 3508)
    assert page.text == "Beslutande Anna Berg (S)\nPer Lind (M)"
    assert [(w.text, w.start, w.line) for w in page.words][:2] == [("Beslutande", 0, 0), ("Anna", 11, 0)]
    assert page.words[-1].line == 1


def test_load_pdf_keeps_words_in_pixels_and_regions(tmp_path):
    def one(p: Page) -> None:
        p.text(72, 100, "Miljönämnden beslutar att godkänna ansökan om bygglov.")
        p.rotated(30, 700, "Signerat elektroniskt")

    path = make_pdf(tmp_path / "one.pdf", one)
    doc = load_pdf(path, "0" * 64, path.stat().st_size, Settings(ocr_dpi=300))
    page = doc.pages[0]
    assert page.method is PageMethod.TEXT
    assert page.text == "Miljönämnden beslutar att godkänna ansökan om bygglov.\nSignerat elektroniskt"
    assert [r.kind for r in page.regions] == [RegionKind.ROTATED]
    first = page.words[0]
    assert (first.text, first.left, first.line) == ("Miljönämnden", 300, 0)  # 72 pt at 300 dpi
    pos = 0
    for w in page.words:  # words are in text order: each is found after the one before
        pos = page.text.index(w.text, pos) + len(w.text)


@pytest.mark.parametrize("chars", ["", " \n"])
def test_empty_page(chars):
    assert layout_page([Box(c, 0, 0, 1, 1) for c in chars], 100, 100).text == ""


def test_glyphs_become_words_at_spaces_gaps_and_direction_changes():
    glyphs = [Box(c, 10 + 6 * k, 100, 16 + 6 * k, 112) for k, c in enumerate("Ja Nej")]
    glyphs += [Box("X", 200, 100, 206, 112)]  # beside, but far: a word of its own
    glyphs += [Box(c, 20, 500 - 6 * k, 32, 506 - 6 * k, upright=False) for k, c in enumerate("ref")]
    assert [(w.text, w.x0, w.x1, w.upright) for w in words_from_chars(glyphs)] == [
        ("Ja", 10, 22, True), ("Nej", 28, 46, True), ("X", 200, 206, True), ("ref", 20, 32, False),
    ]


def test_regions_and_words_are_stored_with_the_page(database_url, tmp_path):
    from pipeline.store.documents import pages_of, save_document

    def signed(p: Page) -> None:
        p.text(72, 100, "Nämnden ger förvaltningen i uppdrag att ut-")
        p.text(72, 114, "veckla samarbetet.")
        p.rotated(30, 700, "Signerat elektroniskt")

    path = make_pdf(tmp_path / "stored.pdf", signed)
    doc = load_pdf(path, "1" * 64, path.stat().st_size, Settings())
    outcome = save_document(database_url, doc, [])
    stored = pages_of(database_url, outcome.version_id)[0]
    assert [(r.kind, stored.text[r.start : r.end]) for r in stored.regions] == [
        (RegionKind.HYPHEN, "-\n"), (RegionKind.ROTATED, "Signerat elektroniskt"),
    ]
    assert stored.regions == doc.pages[0].regions
    assert stored.words == doc.pages[0].words


def test_running_lines_of_a_text_file_are_stored_as_regions(database_url, tmp_path):
    """Pages that did not come from a PDF's text layer (a text file split by form feeds, OCR pages) get their
    header and footer regions when they are stored."""
    from pipeline.intake.load import load_text
    from pipeline.store.documents import pages_of, save_document

    path = tmp_path / "protocol.txt"
    topics = ["budgeten", "taxorna", "ombuden"]
    path.write_text("\f".join(f"Kulturnämnden Protokoll\nOm {t}.\nSida {n} av 3" for n, t in enumerate(topics, start=1)), encoding="utf-8")
    doc = load_text(path, "2" * 64, path.stat().st_size, Settings())
    stored = pages_of(database_url, save_document(database_url, doc, []).version_id)
    assert [[(r.kind.value, p.text[r.start : r.end]) for r in p.regions] for p in stored] == [
        [("header", "Kulturnämnden Protokoll"), ("footer", f"Sida {n} av 3")] for n in (1, 2, 3)
    ]


def test_a_vote_table_read_from_the_layout_gives_named_votes(tmp_path):
    """The contract with the votes extractor: tab-separated rows under a Ja/Nej/Avstår header, X in its column."""
    from extractors.document import extract_document

    def protocol(p: Page) -> None:
        p.text(60, 60, "Kulturnämnden", 12)
        p.text(400, 60, "Sammanträdesprotokoll")
        p.text(400, 74, "2024-03-12")
        p.text(60, 110, "§ 14")
        p.text(400, 110, "Dnr KN 2024/14")
        p.text(60, 130, "Budget 2025")
        p.text(60, 150, "Omröstning")
        p.text(60, 166, "Omröstning begärs och verkställs. Ja-röst för ordförandens förslag, nej-röst för avslag.")
        for x, head in [(60, "Ledamot"), (300, "Ja"), (350, "Nej"), (400, "Avstår")]:
            p.text(x, 190, head)
        rows = [("Anna Berg (S)", 302), ("Per Lind (M)", 353), ("Eva Holm (C)", 405), ("Olof Ek (L)", 302), ("Sara Ny (V)", 302)]
        for k, (name, x) in enumerate(rows):
            p.text(60, 206 + 14 * k, name)
            p.text(x, 206 + 14 * k, "X")
        for x, total in [(60, "Summa"), (302, "3"), (353, "1"), (405, "1")]:
            p.text(x, 276, total)
        p.text(60, 300, "Kulturnämnden beslutar att anta budgeten.")

    path = make_pdf(tmp_path / "vote.pdf", protocol)
    votes = [v for item in extract_document(load_pdf(path, "3" * 64, path.stat().st_size, Settings()).pages).items for v in item.votes]
    assert [(v.yes, v.no, v.abstain, v.yes_names, v.no_names, v.abstain_names) for v in votes] == [
        (3, 1, 1, ["Anna Berg (S)", "Olof Ek (L)", "Sara Ny (V)"], ["Per Lind (M)"], ["Eva Holm (C)"])
    ]


def test_a_page_the_layout_cannot_read_falls_back_to_pdfplumber(tmp_path, monkeypatch, caplog):
    import pipeline.intake.load as load

    def page_one(p: Page) -> None:
        p.text(72, 100, "Första sidan: nämnden beslutar att godkänna förslaget.")

    def page_two(p: Page) -> None:
        p.text(72, 100, "Andra sidan: ärendet återremitteras till förvaltningen.")

    path = make_pdf(tmp_path / "two.pdf", page_one, page_two)
    real = load.layout_page

    def failing_on_page_two(words, width, height):
        if words and words[0].text == "Andra":
            raise ValueError("no lines")
        return real(words, width, height)

    monkeypatch.setattr(load, "layout_page", failing_on_page_two)
    doc = load_pdf(path, "4" * 64, path.stat().st_size, Settings())
    assert [(p.number, p.text, bool(p.words)) for p in doc.pages] == [
        (1, "Första sidan: nämnden beslutar att godkänna förslaget.", True),
        (2, "Andra sidan: ärendet återremitteras till förvaltningen.", False),
    ]
    assert "two.pdf page 2 read with pdfplumber: ValueError: no lines" in caplog.text
