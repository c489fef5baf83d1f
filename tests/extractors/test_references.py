from datetime import date

import pytest

from extractors.references import extract_references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Arbetsmarknads- och socialnämndens protokollsutdrag 2019-04-29 § 1034.pdf",
         [("Arbetsmarknads- och socialnämnden", date(2019, 4, 29), 1034, "protocol_reference")]),
        ("- Kultur- och fritidsnämndens protokollsutdrag 2021-02-03 § 12",
         [("Kultur- och fritidsnämnden", date(2021, 2, 3), 12, "protocol_reference")]),
        ("Kommunstyrelsen har behandlat ärendet den 28 augusti 2024, § 196.",
         [("Kommunstyrelsen", date(2024, 8, 28), 196, "handled_before")]),
        ("Tekniska namnden har tidigare behandlat fragan den 3 maj 2021, § 45",
         [("Tekniska nämnden", date(2021, 5, 3), 45, "handled_before")]),
        ("Se protokoll 2021-03-02, § 14", [(None, date(2021, 3, 2), 14, "protocol_reference")]),
        ("(KS 2019-05-15 § 55)", [("KS", date(2019, 5, 15), 55, "date_paragraph")]),
        ("³ § 1087", [(None, None, 1087, "footnote_paragraph")]),
        ("Anna Lund (KD), tjänstgörande ersättare § 50-52 och 54-56", []),
        # Tesseract's readings of the paragraph sign
        ("Socialnämndens protokollsutdrag 2019-04-29 $ 1034.pdf",
         [("Socialnämnden", date(2019, 4, 29), 1034, "protocol_reference")]),
        ("Byggnadsnämndens protokollsutdrag 2022-11-08 & 77.pdf",
         [("Byggnadsnämnden", date(2022, 11, 8), 77, "protocol_reference")]),
        ("Rapporten 2019-04-29 8 1034 sidor", []),
        ("Socialnämndens protokollsutdrag 2019-04-29 8 1034.pdf",
         [("Socialnämnden", date(2019, 4, 29), 1034, "protocol_reference")]),
        ("Kommunstyrelsen har behandlat ärendet den 2 mars 2021 8 45.", [("Kommunstyrelsen", date(2021, 3, 2), 45, "handled_before")]),
        ("protokoll 2019-04-29 81034", []),
    ],
)
def test_references(text, expected):
    got = [(r.body, r.date, r.paragraph, r.rule) for r in extract_references(text)]
    assert got == expected


def test_reference_span_uses_base():
    ref = extract_references("Bilagor\nNämndens protokollsutdrag 2020-01-01 § 3", base=50)[0]
    assert (ref.span.start, ref.span.end) == (58, 98)
