"""Folding text for matching: lower case, Swedish/Latin diacritics stripped, dashes and spaces unified, one
character in and one out, so a match on folded text has offsets into the original."""

from __future__ import annotations

import unicodedata

# One character in, one character out, so offsets survive folding.
_FOLD = str.maketrans(
    {
        "å": "a", "ä": "a", "à": "a", "á": "a", "â": "a", "ã": "a",
        "ö": "o", "ø": "o", "ò": "o", "ó": "o", "ô": "o", "õ": "o",
        "é": "e", "è": "e", "ê": "e", "ë": "e",
        "í": "i", "ì": "i", "î": "i", "ï": "i",
        "ú": "u", "ù": "u", "û": "u", "ü": "u",
        "ç": "c", "ñ": "n", "ý": "y", "æ": "a",
        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
        "’": "'", "‘": "'", "”": '"', "“": '"',
    }
)


def fold(text: str) -> str:
    """Lower-case, strip Swedish/Latin diacritics and unify dashes and spaces; len(fold(s)) == len(s)."""
    folded = text.lower().translate(_FOLD)
    if len(folded) == len(text):
        return folded
    # str.lower() can change length for a few exotic characters; fall back char by char.
    out = []
    for ch in text:
        low = ch.lower().translate(_FOLD)
        if len(low) != 1:
            base = unicodedata.normalize("NFKD", ch)[0].lower()
            low = base if len(base) == 1 else "?"
        out.append(low)
    return "".join(out)
