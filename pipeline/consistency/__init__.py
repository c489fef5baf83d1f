"""Consistency: claims from each document's records, documents linked into matters, rules over them, flags."""
