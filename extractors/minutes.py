"""Minutes (minnesanteckningar): their heading and the body it names.

Apart from `extractors.bodies` because reading the body needs `extractors.dates` (dateparser), which the
modules that only spell body names do not.
"""

from __future__ import annotations

import re

from extractors.dates import extract_dates
from extractors.text import fold

# Minutes headings: "Minnesanteckningar Socialchefsnätverket i Dalarna", "Minnesanteckningar från mötet med RSS".
MINUTES_HEADING = re.compile(r"^[ \t]*minnesanteckningar\b[ \t]*(?P<rest>[^\n]*)", re.M)
_COMPACT_DATE = re.compile(r"(?<!\S)\d{6}(?!\S)")
_MINUTES_LEAD = re.compile(r"^(?:fran|for|vid)\s+(?:motet?\s+(?:i|med)\s+)?")


def minutes_body(rest: str) -> str | None:
    """The body whose minutes these are: the words after "Minnesanteckningar", without a leading "från mötet
    med" or a date.  Minutes record one body's meeting, so this name is both the meeting's body and the body
    of every agenda item that prints the same body or none (see `extractors.bodies.body_for_minutes_item`)."""
    text = rest.strip()
    lead = _MINUTES_LEAD.match(fold(text))
    if lead:
        text = text[lead.end() :]
    for fact in extract_dates(text):
        text = text.replace(fact.text, " ")
    text = _COMPACT_DATE.sub(" ", text)  # "Minnesanteckningar 250912": yymmdd, which needs context to parse
    text = " ".join(text.split()).strip(" ,-–:")
    return text or None
