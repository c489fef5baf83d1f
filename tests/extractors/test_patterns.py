"""Every entry of the pattern files matches its own examples and none of its counter-examples.

One parametrised test over every entry (fragments included, expanded as the extractors use them), so a pattern
added without examples, or changed so that an example no longer matches, fails here by its file and id.  An entry is
compiled with the flags the loader gives it (`"multiline": false`) and tried on the folded example unless it says
`"folded": false` (it is matched against the original text).
"""

from __future__ import annotations

import re

import pytest

from extractors.patternfile import fragments_of, read_lines, regex_flags
from extractors.text import fold

# Pattern files whose every entry carries examples.
FILES = (
    "labels", "case_numbers", "sections", "headings", "doc_types", "cover_labels", "attendance", "votes", "dates", "issuers",
)


def _entries():
    for name in FILES:
        fragments = fragments_of(name)
        for _, row in read_lines(name):
            source = fragments[row["id"]] if row.get("fragment") else row["pattern"]
            for key, value in fragments.items():
                source = source.replace("{" + key + "}", value)
            yield pytest.param(name, row, re.compile(source, regex_flags(row)), id=f"{name}:{row['id']}")


@pytest.mark.parametrize(("name", "row", "regex"), list(_entries()))
def test_pattern_entry_matches_its_examples_only(name, row, regex):
    assert row.get("examples"), f"{name}:{row['id']} has no examples"
    assert "counter_examples" in row, f"{name}:{row['id']} has no counter_examples"
    prepare = fold if row.get("folded", True) else str
    missed = [e for e in row["examples"] if not regex.search(prepare(e))]
    wrong = [e for e in row["counter_examples"] if regex.search(prepare(e))]
    assert (missed, wrong) == ([], [])
