"""Tesseract's answers recorded once and replayed, for tests of the logic around OCR.

A page takes Tesseract 3-10 s on one core, and most tests that OCR a page test what the pipeline does
with the words (orientation, skew, extraction, the flow), not Tesseract. Those tests get Tesseract's
recorded output instead: pytesseract's one entry to the program, `run_and_get_output`, is replaced by
`TesseractReplay`, which answers from the recordings committed in tests/data/ocr_replay/ or, for
images recorded since, from a cache outside the repository (~/.cache/protokoll/ocr_replay), which is
where a miss is recorded: tests may read documents that must not be copied into the repository.

A recording is keyed by everything that decides Tesseract's answer: the bytes of the image file it is
handed (the pipeline writes PGM or passes the PNG/TIFF as it is), the output kind (tsv, osd), the
language, the configuration, the program's version line and the language data files. Anything else is
a miss, and a miss runs the real Tesseract and records its answer: a change in rendering, deskewing or
Tesseract itself can never be hidden by an old recording. Errors are never recorded.

Tests marked `real_tesseract` (and code inside `real_tesseract()`) always run the program, as does any
test that points pytesseract at another binary. PROTOKOLL_OCR_REPLAY=0 turns replay off for a session;
PROTOKOLL_OCR_REPLAY_CACHE moves the cache. To refresh the committed recordings, run the tests on the
generated samples with PROTOKOLL_OCR_REPLAY_CACHE=tests/data/ocr_replay (after emptying it).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytesseract.pytesseract as engine

COMMITTED = Path(__file__).parent / "data" / "ocr_replay"
CACHE = Path(os.environ.get("PROTOKOLL_OCR_REPLAY_CACHE", Path.home() / ".cache" / "protokoll" / "ocr_replay"))
ENABLED = os.environ.get("PROTOKOLL_OCR_REPLAY", "1") != "0"
REAL_RUN_AND_GET_OUTPUT = engine.run_and_get_output
DEFAULT_COMMAND = engine.tesseract_cmd

# How many `real_tesseract()` blocks are open: process-wide, since the flow runs OCR on worker threads.
_real_depth = 0


@contextmanager
def real_tesseract() -> Iterator[None]:
    """Run the real program inside this block, on every thread, whatever the test's marks."""
    global _real_depth
    _real_depth += 1
    try:
        yield
    finally:
        _real_depth -= 1


@cache
def _program_version(command: str) -> str:
    done = subprocess.run([command, "--version"], capture_output=True, text=True, check=True)
    return (done.stdout + done.stderr).strip()


@cache
def _tessdata(command: str) -> Path:
    done = subprocess.run([command, "--list-langs"], capture_output=True, text=True, check=True)
    found = re.search(r'"([^"]+)"', done.stdout + done.stderr)
    return Path(found.group(1)) if found else Path()


@cache
def _language_data(command: str, languages: str) -> str:
    """SHA-256 of each language's .traineddata ('-' when missing: Tesseract's error is not recorded anyway)."""
    digests = []
    for language in sorted(languages.split("+")):
        path = _tessdata(command) / f"{language}.traineddata"
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-")
    return ",".join(digests)


def _image_bytes(image: object) -> bytes | None:
    if isinstance(image, (str, Path)):
        return Path(image).read_bytes()
    tobytes = getattr(image, "tobytes", None)
    if callable(tobytes):  # a PIL image handed to pytesseract directly
        return f"{image.mode} {image.size}".encode() + tobytes()
    return None


@dataclass
class TesseractReplay:
    """A drop-in `run_and_get_output` that answers from recordings and records what it had to run."""

    folders: tuple[Path, ...] = (COMMITTED, CACHE)
    """Where recordings are looked up, in order; misses are recorded in the last."""
    real: Callable[..., object] = REAL_RUN_AND_GET_OUTPUT
    replayed: int = 0
    ran: int = 0
    counts_lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, image: object, extension: str, lang: str | None, config: str) -> str | None:
        data = _image_bytes(image)
        if data is None:
            return None
        languages = lang or "eng"
        try:
            program = (_program_version(DEFAULT_COMMAND), _language_data(DEFAULT_COMMAND, languages))
        except (OSError, subprocess.CalledProcessError):
            return None  # no usable program: the real call reports it
        digest = hashlib.sha256(data)
        for part in (extension, languages, config, *program):
            digest.update(b"\0" + part.encode())
        return digest.hexdigest()

    def __call__(self, image, extension="", lang=None, config="", nice=0, timeout=0, return_bytes=False):
        bypass = _real_depth > 0 or return_bytes or engine.tesseract_cmd != DEFAULT_COMMAND
        key = None if bypass else self.key(image, extension, lang, config)
        if key is None:
            return self.real(image, extension, lang, config, nice, timeout, return_bytes)
        name = f"{key[:40]}.{extension or 'txt'}"
        for folder in self.folders:
            if (folder / name).is_file():
                with self.counts_lock:
                    self.replayed += 1
                return (folder / name).read_text(encoding="utf-8")
        output = self.real(image, extension, lang, config, nice, timeout, False)
        with self.counts_lock:
            self.ran += 1
        self._record(self.folders[-1] / name, output)
        return output

    def _record(self, path: Path, output: str) -> None:
        """Written to a temporary name and renamed: parallel sessions never see half a recording."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".recording-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(output)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only checkout replays what it has and runs the rest


REPLAY = TesseractReplay()
