"""The store: every write to the database, and the reads the other stages need (pages, facts, flags). The only
SQL outside `models/` besides the research queries."""
