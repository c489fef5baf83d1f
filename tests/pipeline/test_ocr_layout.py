"""OCR page text read with layout (pipeline.intake.ocr.page_text_from_data): real Tesseract on small pages drawn here.

Tesseract's own blocks would give a cover's labels first and its values after them, and a vote table column
by column; read by word position through pipeline.intake.layout, a label stands beside its value, a table row is one
line of tab-separated cells, and a header or footer is a line of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from models.records import FileKind, OcrResult, RegionKind, Word
from pipeline.intake.load import ocr_page
from pipeline.intake.ocr import MIN_SKEW, _sign_candidates, ocr_image
from pipeline.settings import Settings

FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 40)
BOLD = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 44)

# (y, [(x, text, font), ...]) in pixels of a 300-dpi page: 40 px is a 10-point line.
Drawing = list[tuple[int, list[tuple[int, str, ImageFont.FreeTypeFont]]]]

COVER: Drawing = [
    (60, [(100, "Sammanträdesdatum", REGULAR), (800, "2024-05-14", REGULAR)]),
    (130, [(100, "Tid", REGULAR), (800, "13.00-15.30", REGULAR)]),
    (200, [(100, "Plats", REGULAR), (800, "Stadshuset, sal A", REGULAR)]),
    (270, [(100, "Beslutande", REGULAR), (800, "Anna Berg (S), ordförande", REGULAR)]),
    (340, [(800, "Per Lund (M)", REGULAR)]),
    (410, [(100, "Sekreterare", REGULAR), (800, "Eva Holm", REGULAR)]),
]
COVER_LINES = [
    "Sammanträdesdatum 2024-05-14",
    "Tid 13.00-15.30",
    "Plats Stadshuset, sal A",
    "Beslutande Anna Berg (S), ordförande",
    "Per Lund (M)",
    "Sekreterare Eva Holm",
]

HEADING: Drawing = [
    (60, [(100, "Bygg- och miljönämnden", REGULAR), (1450, "Protokoll 2024-05-14", REGULAR)]),
    (260, [(100, "§ 12", BOLD)]),
    (340, [(100, "Diarienummer 2024/123", REGULAR)]),
    (420, [(100, "Ansökan om bygglov för nybyggnad av förråd", BOLD)]),
    (520, [(100, "Nämnden beviljar bygglov enligt ansökan.", REGULAR)]),
    (600, [(100, "8 12 ledamöter deltog i beslutet.", REGULAR)]),
    (820, [(1600, "Sida 3 av 9", REGULAR)]),
]

VOTES: Drawing = [
    (60, [(100, "Omröstning", BOLD)]),
    (150, [(100, "Ledamot", REGULAR), (700, "Parti", REGULAR), (1000, "Ja", REGULAR), (1250, "Nej", REGULAR), (1500, "Avstår", REGULAR)]),
    (220, [(100, "Anna Berg", REGULAR), (700, "S", REGULAR), (1010, "X", REGULAR)]),
    (290, [(100, "Per Lund", REGULAR), (700, "M", REGULAR), (1265, "X", REGULAR)]),
    (360, [(100, "Eva Holm", REGULAR), (700, "C", REGULAR), (1530, "X", REGULAR)]),
    (430, [(100, "Omar Said", REGULAR), (700, "KD", REGULAR), (1010, "X", REGULAR)]),
]
VOTE_ROWS = [
    "Ledamot\tParti\tJa\tNej\tAvstår",
    "Anna Berg\tS\tX",
    "Per Lund\tM\t\tX",
    "Eva Holm\tC\t\t\tX",
    "Omar Said\tKD\tX",
]


def draw(rows: Drawing, size: tuple[int, int] = (2000, 560)) -> Image.Image:
    image = Image.new("L", size, 255)
    pen = ImageDraw.Draw(image)
    for y, cells in rows:
        for x, text, font in cells:
            pen.text((x, y), text, font=font, fill=0)
    return image


def offsets(text: str, words: list[Word]) -> list[tuple[int, int]]:
    """Each word's [start, end) in the page text, walking it in order; only whitespace may lie between words."""
    spans, pos = [], 0
    for word in words:
        gap = len(text[pos:]) - len(text[pos:].lstrip())
        start = pos + gap
        assert text[start : start + len(word.text)] == word.text, (word, text[start : start + 20])
        spans.append((start, start + len(word.text)))
        pos = start + len(word.text)
    assert not text[pos:].strip()
    return spans


@pytest.fixture(scope="module")
def cover() -> OcrResult:
    return ocr_image(draw(COVER))


@pytest.fixture(scope="module")
def heading() -> OcrResult:
    return ocr_image(draw(HEADING, (2000, 900)))


def test_cover_labels_are_read_beside_their_values(cover: OcrResult) -> None:
    assert cover.text.split("\n") == COVER_LINES


def test_cover_word_offsets_lines_and_boxes_agree(cover: OcrResult) -> None:
    spans = offsets(cover.text, cover.words)
    lines = cover.text.split("\n")
    starts = [sum(len(line) + 1 for line in lines[:k]) for k in range(len(lines))]
    for word, (start, _) in zip(cover.words, spans, strict=True):
        # the word's line number is the line of the text it stands on
        assert max(k for k, s in enumerate(starts) if s <= start) == word.line
    value = next(w for w in cover.words if w.text == "2024-05-14")
    label = next(w for w in cover.words if w.text == "Sammanträdesdatum")
    assert (value.line, label.line) == (0, 0)
    assert value.left > label.left + label.width and abs(value.top - label.top) < 15
    assert all(0 <= w.conf <= 100 for w in cover.words)


def test_a_skewed_cover_still_reads_label_beside_value() -> None:
    """1.5 degrees is left in the image (below MIN_SKEW), and the right column then sits 30 px lower than its label."""
    assert 1.5 < MIN_SKEW
    turned = draw(COVER).rotate(-1.5, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=True)
    result = ocr_image(turned)
    assert abs(result.skew + 1.5) <= 0.3
    assert result.text.split("\n") == COVER_LINES


def test_heading_case_number_header_and_footer_each_keep_their_line(heading: OcrResult) -> None:
    assert heading.text.split("\n") == [
        "Bygg- och miljönämnden Protokoll 2024-05-14",
        "§ 12",
        "Diarienummer 2024/123",
        "Ansökan om bygglov för nybyggnad av förråd",
        "Nämnden beviljar bygglov enligt ansökan.",
        "8 12 ledamöter deltog i beslutet.",
        "Sida 3 av 9",
    ]


def test_the_swedish_model_misreads_the_paragraph_sign_and_the_english_one_puts_it_right(heading: OcrResult) -> None:
    """swe.traineddata has no § at all; the sign-like words before a number are read again with eng, and only
    where that reading says § with the same number is the word changed ('8 12 ledamöter' stays)."""
    image = draw(HEADING, (2000, 900))
    first = pytesseract.image_to_data(image, lang="swe", config="--psm 3 --dpi 300", output_type=pytesseract.Output.DICT)
    heading_line = [t for t, top in zip(first["text"], first["top"]) if t.strip() and 255 <= top <= 320]
    assert heading_line[0] in {"&", "$", "8", "£"} and heading_line[1:] == ["12"]
    assert [(c.number, c.glued) for c in _sign_candidates(first)] == [("12", False), ("12", False)]
    assert [w.text for w in heading.words if w.text.startswith(("§", "8"))] == ["§", "8"]


def test_heading_word_offsets_point_at_the_words(heading: OcrResult) -> None:
    spans = offsets(heading.text, heading.words)
    texts = [heading.text[a:b] for a, b in spans]
    assert texts == [w.text for w in heading.words]
    k = texts.index("2024/123")
    start, end = spans[k]
    assert heading.text[start - len("Diarienummer ") : end] == "Diarienummer 2024/123"
    number, case = heading.words[k - 2], heading.words[k]
    assert number.text.endswith("12") and number.top < case.top
    assert (heading.words[0].text, heading.words[-1].text) == ("Bygg-", "9")


def test_vote_table_rows_are_tab_separated_with_marks_in_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "votes.png"
    draw(VOTES).save(path, dpi=(300, 300))
    page = ocr_page(str(path), FileKind.PNG, 1, Settings(workers=1))
    assert page.error is None
    assert page.text.split("\n") == ["Omröstning", *VOTE_ROWS]
    assert [(r.kind, page.text[r.start : r.end]) for r in page.regions] == [(RegionKind.TABLE, "\n".join(VOTE_ROWS))]
    offsets(page.text, page.words)


def test_sign_candidates_are_sign_like_words_before_or_glued_to_a_number_and_garbled_lone_lines() -> None:
    lines = [
        # (text of each word, confidence) per line of the first reading
        [("&", 91.0), ("212", 95.0), ("Diarienummer", 96.0), ("12345", 96.0)],
        [("$:213", 80.0), ("Diarienummer", 96.0)],
        [("8214", 90.0), ("Diarienummer", 96.0)],
        [("sl", 28.0)],  # '§ 17' lost altogether
        [("Budget", 96.0), ("enligt", 95.0), ("&", 70.0), ("22", 93.0)],  # & and $ count anywhere on a line
        [("8", 95.0), ("ledamöter", 96.0)],  # no number after it
        [("Kommunen", 96.0), ("har", 96.0), ("8", 95.0), ("22", 96.0)],  # 8 only where a line opens
        [("4", 96.0)],  # a page number, read with confidence
    ]
    data: dict[str, list] = {key: [] for key in ("level", "block_num", "par_num", "line_num", "text", "conf", "left", "top", "width", "height")}
    for n, words in enumerate(lines, start=1):
        for k, (text, conf) in enumerate(words):
            for key, value in zip(data, (5, 1, 1, n, text, conf, 100 + 200 * k, 60 * n, 150, 40)):
                data[key].append(value)
    found = [([data["text"][i] for i in c.indices], c.number, c.glued) for c in _sign_candidates(data)]
    assert found == [
        (["&", "212"], "212", False),
        (["$:213"], "213", True),
        (["8214"], "214", True),
        (["sl"], None, True),
        (["&", "22"], "22", False),
    ]
