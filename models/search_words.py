"""The words a search index holds: both databases split, stem and drop common words the same way (Snowball's
Swedish rules), so a query finds the same items on either. Pure text functions, used by the store when it writes
an item and by the migrations that rebuilt the indexes."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Letters and digits; an underscore separates words, as it does for PostgreSQL's parser.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Snowball's Swedish stop list, which PostgreSQL's 'swedish' configuration ships as swedish.stop: the
# server drops these words from a tsquery, so the SQLite query drops them too (tests check the two agree).
STOP_WORDS = frozenset(
    """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du
    henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp
    vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv
    detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er
    sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars
    vårt våra ert era vilkas
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("swedish")


def _word_list(text_: str) -> list[str]:
    # NFKC first: a text layer's ligatures (ﬁ) and superscripts are the letters and digits a reader types.
    return _WORD.findall(unicodedata.normalize("NFKC", text_))


def words(text_: str) -> list[str]:
    """The lower-cased words of `text_`, as both databases split it."""
    return [w.lower() for w in _word_list(text_)]


def stems(text_: str) -> list[str]:
    """Lower-cased Swedish Snowball stems of the words in `text_`."""
    return _stemmer().stemWords(words(text_))


def stemmed_text(text_: str) -> str:
    """What the SQLite index stores for a text: its stems separated by spaces."""
    return " ".join(stems(text_))


def item_text(title: str | None, clauses: list[str]) -> str:
    """The searchable text of an item: the words of its title and decision clauses, separated by spaces.

    Only words are kept so that PostgreSQL's parser sees the tokens the SQLite index stores: on the printed
    text it would read '2019/KS' as one file-name token and '-2020' as a signed number."""
    return " ".join(_word_list("\n".join([title or "", *clauses])))


def stem_words(words_: list[str]) -> list[str]:
    """The Swedish Snowball stems of words already split and lower-cased."""
    return _stemmer().stemWords(words_)
