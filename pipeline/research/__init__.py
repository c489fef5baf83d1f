"""Research: what researchers and reviewers read back (decisions, cases, persons, the export, what needs a look)."""
