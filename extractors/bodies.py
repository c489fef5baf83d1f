"""Names of deciding bodies (organ): genitive to base form, and spotting a body name in a phrase."""

from __future__ import annotations

import re

from extractors.text import fold

# Last-word endings (folded) that make a phrase the name of a body; the base form ends with one of these.
BODY_ENDINGS = (
    "namnden", "styrelsen", "utskottet", "fullmaktige", "kommitten", "beredningen",
    "natverket", "forbundet", "radet", "presidiet", "revisionen", "revisorerna",
    "direktionen", "delegationen", "forvaltningen", "gruppen", "ledningen",
    "utskott", "namnd",
)
# Abbreviations that name a body on their own (SKL:s förslag, KS beslut).
BODY_ABBREVIATIONS = frozenset({"KF", "KS", "SKL", "SKR", "AU", "KSAU", "BUN", "SN", "MBN", "TN", "KFN"})

_GENITIVE = re.compile(r"(?::s|s)$")
# Body nouns as OCR without Swedish models prints them ("Socialnamnden"), with their spelling restored.
_LOST_DIACRITICS = (
    ("namnden", "nämnden"), ("namnd", "nämnd"), ("fullmaktige", "fullmäktige"), ("natverket", "nätverket"),
    ("forbundet", "förbundet"), ("radet", "rådet"), ("kommitten", "kommittén"), ("forvaltningen", "förvaltningen"),
)


def _restore_diacritics(word: str) -> str:
    """The body noun ending of an all-ASCII word spelled with its å/ä/ö/é again; other words unchanged."""
    if not word.isascii():
        return word
    for plain, proper in _LOST_DIACRITICS:
        if word.lower().endswith(plain):
            return word[: len(word) - len(plain)] + proper
    return word


def is_body_name(name: str) -> bool:
    """True when the phrase's last word (base or genitive) is a body noun or a known abbreviation."""
    words = name.strip().split()
    if not words:
        return False
    last = words[-1]
    if last.rstrip(":s") in BODY_ABBREVIATIONS or last in BODY_ABBREVIATIONS:
        return True
    folded = fold(last)
    return folded.endswith(BODY_ENDINGS) or folded[:-1].endswith(BODY_ENDINGS)


def normalise_body(name: str) -> str:
    """Base form of a body name: drop the genitive -s, collapse spaces, capitalise the first letter.

    "Kommunledningsutskottets" -> "Kommunledningsutskottet",
    "arbetsmarknads- och socialnämndens" -> "Arbetsmarknads- och socialnämnden", "SKL:s" -> "SKL".
    """
    text = " ".join(name.replace("*", " ").split()).strip(" ,.:;")
    if not text:
        return text
    words = text.split(" ")
    last = words[-1]
    base = last
    if last.endswith(":s"):
        base = last[:-2]
    elif last.endswith("s") and fold(last[:-1]).endswith(BODY_ENDINGS):
        base = last[:-1]
    elif last.endswith("s") and last[:-1] in BODY_ABBREVIATIONS:
        base = last[:-1]
    words[-1] = _restore_diacritics(base)
    out = " ".join(words)
    return out[0].upper() + out[1:]


def body_before(text: str, end: int) -> tuple[str, int] | None:
    """The body named just before `end` on the same line ("Arbetsmarknads- och socialnämndens" before
    "protokollsutdrag"), as (normalised name, start offset), or None if the preceding words name no body."""
    line_start = text.rfind("\n", 0, end) + 1
    words = list(re.finditer(r"\S+", text[line_start:end]))
    if not words:
        return None
    i = len(words) - 1
    if not is_body_name(words[i].group().strip(",;:(")):
        return None
    first = i
    while first > 0:
        prev = words[first - 1].group()
        if prev == "och" and first >= 2 and words[first - 2].group().endswith("-"):
            first -= 2
        elif is_body_name(prev) and prev[:1].isupper() and prev.endswith("s"):
            first -= 1
        elif first == i and words[i].group()[:1].islower() and prev[:1].isupper() and prev.isalpha():
            first -= 1  # an adjective naming the body: "Tekniska nämnden", "Sociala nämndens"
        else:
            break
    start = line_start + words[first].start()
    name = text[start : line_start + words[i].end()].strip(",;:(")
    return normalise_body(name), start


# Words that qualify a body name with its place or field: "Socialchefsnätverket i Dalarna",
# "Länsnätverket för äldreomsorg".
_QUALIFIERS = ("i", "for", "inom")


def same_body(a: str | None, b: str | None) -> bool:
    """True when two names denote the same body: equal after folding, or one is the other's leading body name
    without its qualifier ("Socialchefsnätverket" and "Socialchefsnätverket i Dalarna", "Länsnätverket" and
    "Länsnätverket för äldreomsorg i Jämtland")."""
    if not a or not b:
        return False
    fa, fb = fold(normalise_body(a)), fold(normalise_body(b))
    if fa == fb:
        return True
    short, full = sorted((fa, fb), key=len)
    rest = full[len(short) :].split()
    named = is_body_name(short) or is_body_name(short.split()[0])  # "Länsnätverket för äldreomsorg"
    return full.startswith(short + " ") and bool(rest) and rest[0] in _QUALIFIERS and named


def body_for_minutes_item(printed: str | None, heading: str | None) -> str | None:
    """An agenda item's body: the minutes' body (`extractors.minutes.minutes_body`) when the item prints none or
    prints the same body in short form ("Socialchefsnätverket beslutade" under "Minnesanteckningar
    Socialchefsnätverket i Dalarna")."""
    if heading and (printed is None or same_body(printed, heading)):
        return heading
    return printed
