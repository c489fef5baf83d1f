"""How a file's path is stored: a readable form, a fixed-width key, and the raw bytes when they are not UTF-8.

A POSIX file name is bytes. Python hands names that are not valid UTF-8 over as `str` with each bad byte
as a lone surrogate (`os.fsdecode`, surrogateescape), which no database driver will encode. The stored
`path` is therefore a display form with such bytes written `\\xNN`; `path_bytes` keeps the exact bytes
(only for those names) so the file can be found again; `path_key`, the SHA-256 of the bytes, is the
unique key, whatever the path's length.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class StoredPath:
    """The three columns a path is stored in (documents.path, path_key, path_bytes)."""

    display: str
    key: str
    raw: bytes | None


def display_path(path: str) -> str:
    """`path` with every byte that is not UTF-8 written as `\\xNN`: printable and storable anywhere."""
    return _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", path)


def path_key(path: str) -> str:
    """SHA-256 (hex) of the path's bytes as the operating system sees them."""
    return hashlib.sha256(os.fsencode(path)).hexdigest()


def stored_path(path: str) -> StoredPath:
    display = display_path(path)
    return StoredPath(display, path_key(path), os.fsencode(path) if display != path else None)


def original_path(display: str, raw: bytes | None) -> str:
    """The path to open again, from the stored columns: the inverse of `stored_path`."""
    return os.fsdecode(raw) if raw is not None else display
