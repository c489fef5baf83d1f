"""What a batch is made of: every file named, and every entry under the folders named, each under one path."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Every file named, and every entry under the folders named (recursively, hidden ones skipped), once each.

    Nothing is opened here. Entries that are not regular files (FIFOs, devices, sockets, broken links) and
    folders that cannot be listed are returned too, so that `start_document` records each against its path
    with its reason instead of the batch dropping them, or hanging on them.
    Each path is absolute and resolved (`identity_path`), so a folder named twice, or by a relative and an
    absolute path, gives each file once and under one name.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                found[identity_path(child)] = None
        else:
            found[identity_path(path)] = None
    return list(found)


def _walk(folder: Path) -> list[Path]:
    """Entries under `folder`, sorted; symlinked folders are not followed (a link to a parent would never end)."""
    entries: list[Path] = []

    def unlisted(error: OSError) -> None:
        # A folder that cannot be listed is an entry of its own, reported when its path is checked.
        if error.filename is not None and Path(os.fsdecode(error.filename)) != folder:
            entries.append(Path(os.fsdecode(error.filename)))

    for root, dirs, files in os.walk(folder, onerror=unlisted):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root)
        for name in sorted(files):
            if not name.startswith("."):
                entries.append(base / name)
        # Symlinks to folders are listed by os.walk among the folders; they are not followed, and not silent.
        entries.extend(base / d for d in dirs if (base / d).is_symlink())
    if not os.access(folder, os.R_OK | os.X_OK):
        entries.append(folder)
    return sorted(entries)


def identity_path(path: Path) -> Path:
    """The path a file is stored under: absolute with every link resolved (`Path.resolve()`).

    An entry that is not (a link to) a regular file keeps its own name, in a resolved folder: its failure is
    reported against the link or FIFO the registrar sees, not against /dev/zero.
    """
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            return path.resolve()
    except OSError:
        pass
    return path.absolute().parent.resolve() / path.name
