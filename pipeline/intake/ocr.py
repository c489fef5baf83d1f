"""The one wrapper around Tesseract: orientation and skew correction, then a single recognition pass.

Tesseract is handed file paths, never PIL images, and runs single-threaded
(`OMP_THREAD_LIMIT=1`) so that one process per core is the fastest layout (see
docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import re

# OpenMP threads inside each Tesseract compete with the other workers' processes: 6x slower.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import AbstractContextManager, contextmanager, nullcontext  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from functools import cache  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image, ImageSequence, UnidentifiedImageError  # noqa: E402

from models.records import OcrResult, Region, Word  # noqa: E402
from pipeline.errors import OcrError, OcrTimeoutError, OcrUnavailableError  # noqa: E402
from pipeline.intake.layout import Box, layout_page  # noqa: E402
from pipeline.intake.pdfium_lock import serialised  # noqa: E402

#: Below this mean word confidence the page is checked with Tesseract's own orientation detection.
LOW_CONFIDENCE = 60.0
#: Skews smaller than this are measured but left alone: Tesseract's own line finding copes with them,
#: and resampling costs time and sharpness. Measured on the sample scans: at 1 degree deskewing raised
#: the CER (0.26 % -> 0.44 %) and Tesseract's time (+6 %); at 2 degrees it was even; at 3.5 degrees
#: it cut the CER from 0.51 % to 0.07 %.
MIN_SKEW = 2.0
MAX_SKEW = 5.0
#: Resolutions at which a page's embedded scan is OCRed as it is rather than rendered.
SCAN_DPI = (150, 600)
#: Long side of the binarised copy used for the cheap orientation and skew estimates. At 1000 px the
#: estimate costs 35 ms a page (68 ms at 1400) and the sample scans' skews agree within 0.02 degrees.
ANALYSIS_SIZE = 1000
# Formats Tesseract (Leptonica) reads directly from disk, so an unchanged page needs no copy.
_DIRECT_FORMATS = {"PNG", "JPEG", "TIFF"}
# What a page is handed to Tesseract as: uncompressed PGM is written in milliseconds (PNG: ~0.2 s a page).
_HANDOFF_FORMAT = ("PPM", ".pgm")  # Pillow writes 8-bit grayscale "PPM" as PGM (P5)
_INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-swe (Debian: apt-get install tesseract-ocr tesseract-ocr-swe)"


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """How a page image must be turned to be upright and level."""

    rotation: int
    """Degrees counter-clockwise (0, 90, 180, 270) applied to make the text upright."""
    skew: float
    """Measured skew of the upright text in degrees, counter-clockwise positive; undone by rotating by -skew."""


@cache
def tesseract_slots(count: int) -> threading.BoundedSemaphore:
    """This process's limit of `count` Tesseract processes at once, shared by every caller that asks for it.

    With one page more in hand than there are slots, a worker renders and straightens its next page while the
    others' pages are read, and starts Tesseract the moment a slot frees: no core waits for that preparation.
    """
    return threading.BoundedSemaphore(count)


def ocr_image(
    source: Path | Image.Image,
    language: str = "swe",
    *,
    dpi: int = 300,
    frame: int = 0,
    slots: AbstractContextManager[object] | None = None,
    timeout: float = 0,
) -> OcrResult:
    """Read one page image (a file, or an image already in memory) with Tesseract after correcting its orientation and skew.

    Word boxes are in the pixel coordinates of the corrected image (`width` x `height`). Each Tesseract
    process is run holding `slots` (see `tesseract_slots`); the image work before it is not. With a
    `timeout` (seconds, 0 for none) every Tesseract run of the page shares that budget; past it
    OcrTimeoutError is raised. A page with no ink at all is returned empty without running Tesseract.
    """
    slot = slots if slots is not None else nullcontext()
    if isinstance(source, Image.Image):
        image, original = source.convert("L"), None
    else:
        image, direct = _load(Path(source), frame)
        original = Path(source) if direct else None
    if is_blank(image):
        return OcrResult(text="", words=[], mean_conf=0.0, width=image.width, height=image.height)
    budget = _Budget(timeout)
    geometry = estimate_geometry(image)
    corrected = _correct(image, geometry)
    with _as_file(corrected, original if corrected is image else None) as path:
        with slot:
            result = _recognise(path, language, dpi, budget)
        result.rotation, result.skew = geometry.rotation, geometry.skew
        result.width, result.height = corrected.size
        if result.mean_conf >= LOW_CONFIDENCE:
            return result
        with slot:
            extra = _osd_rotation(path, dpi, budget)
    if not extra:
        return result
    turned = corrected.rotate(extra, expand=True)
    with _as_file(turned, None) as path, slot:
        second = _recognise(path, language, dpi, budget)
    if second.mean_conf <= result.mean_conf:
        return result
    second.rotation = (geometry.rotation + extra) % 360
    second.skew = geometry.skew
    second.width, second.height = turned.size
    return second


@serialised  # pdfium is not thread-safe: pages are rendered on threads while other files' text layers are read
def render_pdf_page(pdf_path: Path, page_index: int, dpi: int = 300, max_pixels: int | None = None) -> Image.Image:
    """One PDF page (0-based) as an 8-bit grayscale image, in memory, for OCR.

    A scanned page that is nothing but one upright full-page image is handed over as that image, decoded
    at its own resolution (`info["dpi"]`): a third of the time of rendering it. Any other page is rendered at `dpi`,
    or lower when the page is so large that `dpi` would give more than `max_pixels` (a poster, a malformed MediaBox).
    """
    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, OSError) as e:
        raise OcrError(f"cannot open {pdf_path.name} to render page {page_index + 1}: {e}") from e
    try:
        if not 0 <= page_index < len(pdf):
            raise OcrError(f"{pdf_path.name} has {len(pdf)} pages; page {page_index + 1} does not exist")
        page = pdf[page_index]
        try:
            image = _scanned_image(page, max_pixels)
            if image is None:
                dpi = _fitting_dpi(page.get_size(), dpi, max_pixels)
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                image.info["dpi"] = (dpi, dpi)
        except pdfium.PdfiumError as e:
            raise OcrError(f"cannot render page {page_index + 1} of {pdf_path.name}: {e}") from e
        finally:
            page.close()
    finally:
        pdf.close()
    return image


def _fitting_dpi(size_pt: tuple[float, float], dpi: int, max_pixels: int | None) -> int:
    """`dpi`, lowered until the page rendered at it has at most `max_pixels` (at least 1 dpi)."""
    pixels = size_pt[0] * size_pt[1] * (dpi / 72) ** 2
    if max_pixels is None or pixels <= max_pixels:
        return dpi
    return max(1, int(dpi * (max_pixels / pixels) ** 0.5))


def _scanned_image(page: pdfium.PdfPage, max_pixels: int | None = None) -> Image.Image | None:
    """The page's only content when that is one unrotated image covering the page at 150-600 dpi, else None."""
    if page.get_rotation():
        return None
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    a, b, c, d, _, _ = objects[0].get_matrix().get()
    width, height = page.get_size()
    left, bottom, right, top = objects[0].get_bounds()
    # Upright (no turn or mirror in the placement) and covering the whole page.
    if b or c or a <= 0 or d <= 0 or (right - left) < 0.95 * width or (top - bottom) < 0.95 * height:
        return None
    px_width, px_height = objects[0].get_px_size()
    if not px_width or not px_height or (max_pixels is not None and px_width * px_height > max_pixels):
        return None
    dpi = round(px_width / (a / 72))
    if not SCAN_DPI[0] <= dpi <= SCAN_DPI[1]:
        return None
    image = objects[0].get_bitmap(render=False).to_pil().convert("L")
    image.info["dpi"] = (dpi, dpi)
    return image


# --- geometry --------------------------------------------------------------


def estimate_geometry(image: Image.Image) -> PageGeometry:
    """Cheap orientation (multiples of 90 degrees) and skew estimate from projection profiles."""
    ink = _binarise(image)
    if ink.sum() < 50:
        return PageGeometry(0, 0.0)
    rows_angle, rows_score = _best_angle(ink)
    cols_angle, cols_score = _best_angle(np.rot90(ink))
    rotation, angle = 0, rows_angle
    # Text lines make the row profile far more peaked than the column profile; demand a clear
    # margin so that tables and sparse pages are not turned on a whim.
    if cols_score > 1.25 * rows_score:
        ink, rotation, angle = np.rot90(ink), 90, cols_angle
    if _upside_down(ink, angle):
        rotation = (rotation + 180) % 360
    return PageGeometry(rotation, round(angle, 2))


def _binarise(image: Image.Image) -> np.ndarray:
    """A downscaled boolean ink mask (True = dark), Otsu threshold."""
    scale = ANALYSIS_SIZE / max(image.size)
    small = image
    if scale < 1:
        small = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BOX,
        )
    pixels = np.asarray(small, dtype=np.uint8)
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    if np.count_nonzero(hist) < 2:
        # One grey level (a blank or all-black page, a single pixel): nothing to tell ink from paper.
        return np.zeros(pixels.shape, dtype=bool)
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    total, total_mean = weight[-1], mean[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * weight - mean * total) ** 2 / (weight * (total - weight))
    threshold = int(np.nanargmax(between))
    return pixels <= threshold


#: Pages whose darkest and lightest pixels differ less than this are blank (white, black or flat grey).
BLANK_CONTRAST = 32
#: Fewer ink pixels than this in the binarised copy is dust, not a character.
BLANK_INK = 10


def is_blank(image: Image.Image) -> bool:
    """True for a page with nothing on it to read: flat (no contrast) or a few specks of ink."""
    low, high = image.convert("L").getextrema()
    if high - low < BLANK_CONTRAST:
        return True
    return int(_binarise(image).sum()) < BLANK_INK


def _profile(ys: np.ndarray, xs: np.ndarray, height: int, angle: float) -> np.ndarray:
    # Shearing the ink coordinates is equivalent to rotating for small angles and far cheaper.
    shifted = ys + xs * np.tan(np.radians(angle))
    offset = abs(np.tan(np.radians(MAX_SKEW + 1))) * xs.max(initial=0)
    return np.bincount(np.round(shifted + offset).astype(np.int64), minlength=int(height + 2 * offset + 2))


def _sharpness(profile: np.ndarray) -> float:
    span = np.flatnonzero(profile)
    if span.size == 0:
        return 0.0
    used = profile[span[0] : span[-1] + 1].astype(np.float64)
    return float(used.var() / (used.mean() ** 2 + 1e-9))


def _best_angle(ink: np.ndarray) -> tuple[float, float]:
    """The shear angle within +-MAX_SKEW that makes the row profile sharpest, and that sharpness."""
    ys, xs = np.nonzero(ink)
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)
    height = ink.shape[0]

    def score(angle: float) -> float:
        return _sharpness(_profile(ys, xs, height, angle))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=score)
    for step in (0.1, 0.02):
        candidates = np.arange(best - 5 * step, best + 5 * step + 1e-9, step)
        best = max(candidates[np.abs(candidates) <= MAX_SKEW], key=score)
    return float(best), score(best)


def _upside_down(ink: np.ndarray, angle: float) -> bool:
    """True when text lines carry more ink below their x-height band than above it.

    Latin script (and å, ä, ö above all) has more ascenders than descenders.
    """
    ys, xs = np.nonzero(ink)
    profile = _profile(ys.astype(np.float64), xs.astype(np.float64), ink.shape[0], angle).astype(np.float64)
    filled = profile > 0.02 * profile.max(initial=0)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], filled.astype(np.int8), [0]))))
    above = below = 0.0
    lines = 0
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        band = profile[start:end]
        if band.size < 4:
            continue
        core = np.flatnonzero(band >= 0.5 * band.max())
        above += band[: core[0]].sum()
        below += band[core[-1] + 1 :].sum()
        lines += 1
    return lines >= 3 and below > 1.3 * above


def _correct(image: Image.Image, geometry: PageGeometry) -> Image.Image:
    turned = image.rotate(geometry.rotation, expand=True) if geometry.rotation else image
    if abs(geometry.skew) < MIN_SKEW:
        return turned
    return turned.rotate(-geometry.skew, resample=Image.Resampling.BICUBIC, fillcolor=255)


# --- Tesseract ---------------------------------------------------------------


def _load(image_path: Path, frame: int) -> tuple[Image.Image, bool]:
    """The page image as 8-bit grayscale, and whether Tesseract may read the file as it is."""
    try:
        with Image.open(image_path) as source:
            frames = getattr(source, "n_frames", 1)
            if not 0 <= frame < frames:
                raise OcrError(f"{image_path.name} has {frames} image(s); frame {frame + 1} does not exist")
            page = ImageSequence.Iterator(source)[frame]
            image = page.convert("L")
            direct = source.format in _DIRECT_FORMATS and frames == 1 and source.mode in {"L", "1"}
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise OcrError(f"cannot read {image_path.name} as an image: {e}") from e
    return image, direct


@contextmanager
def _as_file(image: Image.Image, original: Path | None) -> Iterator[Path]:
    """A path Tesseract can read: the original file when unchanged, else a temporary uncompressed copy."""
    if original is not None:
        yield original
        return
    with tempfile.TemporaryDirectory(prefix="protokoll-ocr-") as tmp:
        format, suffix = _HANDOFF_FORMAT
        path = Path(tmp) / f"page{suffix}"
        image.save(path, format)
        yield path


def _tesseract_error(e: Exception, language: str, what: str) -> Exception:
    message = str(e)
    if isinstance(e, pytesseract.TesseractNotFoundError):
        return OcrUnavailableError(f"the tesseract program was not found: {_INSTALL_HINT}")
    if "Failed loading language" in message or "Error opening data file" in message:
        return OcrUnavailableError(
            f"Tesseract has no language data for {language!r}: install tesseract-ocr and "
            f"tesseract-ocr-{language} (or set PROTOKOLL_OCR_LANGUAGE to an installed language)"
        )
    return OcrError(f"Tesseract failed on {what}: {message.strip() or type(e).__name__}")


class _Budget:
    """The time left of one page's OCR budget, handed to each Tesseract run as pytesseract's `timeout`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds > 0 else None

    def left(self) -> float:
        """Seconds left for the next run (0: no limit); OcrTimeoutError once none are left."""
        if self.deadline is None:
            return 0
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise OcrTimeoutError(self.seconds)
        return left

    def error(self, e: Exception) -> OcrTimeoutError | None:
        # pytesseract kills Tesseract at its timeout and raises RuntimeError("Tesseract process timeout").
        if isinstance(e, RuntimeError) and "timeout" in str(e).lower():
            return OcrTimeoutError(self.seconds)
        return None


def _recognise(path: Path, language: str, dpi: int, budget: _Budget | None = None) -> OcrResult:
    budget = budget or _Budget(0)
    try:
        data = pytesseract.image_to_data(
            str(path),
            lang=language,
            config=f"--psm 3 --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
            timeout=budget.left(),
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError, RuntimeError) as e:
        raise (budget.error(e) or _tesseract_error(e, language, path.name)) from e
    return result_from_data(reread_paragraph_signs(path, data, language, dpi, budget))


# --- paragraph signs -----------------------------------------------------------

#: Tesseract's Swedish model cannot write § (it is not in swe.traineddata's LSTM character set): every
#: paragraph sign comes out as '&', '$', '£', '8' or '3', alone ('& 212') or glued to its number ('8214',
#: '$:213'). The English model has the sign, so the words that may be one are read again with it.
SIGN_LANGUAGE = "eng"
#: A sign read alone, its number in the next word; '8', '3' and 'S' only when they open a line.
_SIGN_ALONE = re.compile(r"^(?:[&$£][:.]?|8|3|S)$")
_SIGN_ANYWHERE = frozenset("&$£")
#: The sign glued to its number.
_SIGN_GLUED = re.compile(r"^(?:[&$£][:.]?|8|3)(\d{1,4}[a-z]?)[:.,]?$")
_SIGN_NUMBER = re.compile(r"^(\d{1,4}[a-z]?)[:.,]?$")
#: What the second reading must say for the sign to be taken: § and the number the first reading gave (a sign
#: read glued to its number often brings a digit of its own: '§ 72' as '$722', so there the number must be in it).
_SIGN_READ = re.compile(r"^§\s*(\d{1,4}[a-z]?)\b")
#: A short word opening a line, read with little confidence, may be a heading the first reading lost altogether
#: ('§ 17' as 'sl', '§ 72 … Dnr' as 'sn Dnr'); it is taken only when the second reading is '§' and a number.
_GARBLED_HEADING = re.compile(r"^\S{1,5}$")
_GARBLED_CONFIDENCE = 60.0
_SIGN_HEADING = re.compile(r"^§\s*(\d{1,4}[a-z]?)$")
#: At most this many words of a page are read again (a page of numbered rows offers many candidates).
MAX_SIGN_CANDIDATES = 60


@dataclass(frozen=True, slots=True)
class _SignCandidate:
    indices: tuple[int, ...]  # rows of the image_to_data table: the sign (and its number when apart)
    number: str | None  # None: the first reading lost the number too (a garbled heading line)
    glued: bool
    bounds: tuple[float, float]  # how far the cut may reach left and right: halfway to the neighbouring words


def _sign_candidates(data: dict[str, list]) -> list[_SignCandidate]:
    """Words of the first reading that may be a misread §: a sign-like word before a number, or a sign-like
    character glued to one; '8', '3' and 'S' only at the start of one of Tesseract's lines; and a short word
    read with little confidence at the start of a line."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if int(data["level"][i]) == 5 and (text or "").strip():
            lines.setdefault((int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])), []).append(i)
    def left(i: int) -> int:
        return int(data["left"][i])

    def right(i: int) -> int:
        return int(data["left"][i]) + int(data["width"][i])

    def bounds(rows: list[int], first: int, last: int) -> tuple[float, float]:
        before = (right(rows[first - 1]) + left(rows[first])) / 2 if first else float("-inf")
        after = (right(rows[last]) + left(rows[last + 1])) / 2 if last + 1 < len(rows) else float("inf")
        return before, after

    found = []
    for rows in lines.values():
        for k, i in enumerate(rows):
            text = data["text"][i].strip()
            if k and text[0] not in _SIGN_ANYWHERE:
                continue
            nxt = _SIGN_NUMBER.match(data["text"][rows[k + 1]].strip()) if k + 1 < len(rows) else None
            if _SIGN_ALONE.match(text) and nxt:
                found.append(_SignCandidate((i, rows[k + 1]), nxt.group(1), False, bounds(rows, k, k + 1)))
            elif m := _SIGN_GLUED.match(text):
                found.append(_SignCandidate((i,), m.group(1), True, bounds(rows, k, k)))
            elif not k and _GARBLED_HEADING.match(text) and float(data["conf"][i]) < _GARBLED_CONFIDENCE:
                found.append(_SignCandidate((i,), None, True, bounds(rows, k, k)))
    return found[:MAX_SIGN_CANDIDATES]


def _sign_strip(image: Image.Image, data: dict[str, list], candidates: list[_SignCandidate]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The candidates' boxes cut out with a margin and stacked one under the other, and each one's rows in the strip."""
    crops = []
    for c in candidates:
        x0 = min(int(data["left"][i]) for i in c.indices)
        y0 = min(int(data["top"][i]) for i in c.indices)
        x1 = max(int(data["left"][i]) + int(data["width"][i]) for i in c.indices)
        y1 = max(int(data["top"][i]) + int(data["height"][i]) for i in c.indices)
        # A little room on the sides, hardly any above and below: the neighbouring lines' accents and
        # descenders in the cut made the English model read the sign as ':'.
        pad_x, pad_y = max(4, (y1 - y0) // 2), max(2, (y1 - y0) // 6)
        # ... and never into the next word ('§ 72 forts' cut with the 'f' read '§ 721')
        x0, x1 = int(max(0, x0 - pad_x, c.bounds[0])), int(min(x1 + pad_x, c.bounds[1]))
        crops.append(image.crop((x0, max(0, y0 - pad_y), x1, y1 + pad_y)))
    gap = max(c.height for c in crops)
    # The strip in the page's own paper tone, so that no cut shows an edge.
    paper = int(np.median(np.concatenate([np.asarray(c).ravel() for c in crops])))
    strip = Image.new("L", (max(c.width for c in crops) + 2 * gap, sum(c.height + gap for c in crops) + gap), paper)
    spans, y = [], gap
    for crop in crops:
        strip.paste(crop, (gap, y))
        spans.append((y, y + crop.height))
        y += crop.height + gap
    return strip, spans


def reread_paragraph_signs(path: Path, data: dict[str, list], language: str, dpi: int, budget: _Budget | None = None) -> dict[str, list]:
    """The first reading with each misread § put right, where the English model reads § and the same number there.

    One extra Tesseract run per page that has candidates, on a strip of their word boxes only; a page whose
    language already writes §, a missing English model or a failed run leave the first reading as it was.
    """
    if SIGN_LANGUAGE in language.split("+"):
        return data
    candidates = _sign_candidates(data)
    if not candidates:
        return data
    budget = budget or _Budget(0)
    try:
        with Image.open(path) as page:
            strip, spans = _sign_strip(page.convert("L"), data, candidates)
        with _as_file(strip, None) as strip_path:
            second = pytesseract.image_to_data(
                str(strip_path), lang=SIGN_LANGUAGE, config=f"--psm 6 --dpi {dpi}",
                output_type=pytesseract.Output.DICT, timeout=budget.left(),
            )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError, RuntimeError, OcrTimeoutError):
        return data
    readings: list[list[str]] = [[] for _ in candidates]
    for i, text in enumerate(second["text"]):
        if int(second["level"][i]) != 5 or not (text or "").strip():
            continue
        centre = int(second["top"][i]) + int(second["height"][i]) / 2
        for k, (top, bottom) in enumerate(spans):
            if top - 1 <= centre <= bottom + 1:
                readings[k].append(text.strip())
                break
    texts = list(data["text"])
    for c, words in zip(candidates, readings, strict=True):
        m = (_SIGN_READ if c.number else _SIGN_HEADING).match(" ".join(words))
        if m and (c.number is None or m.group(1) == c.number or (c.glued and m.group(1) in c.number)):
            c = replace(c, number=m.group(1))
            texts[c.indices[0]] = f"§{c.number}" if c.glued else "§"
    return dict(data, text=texts)


def _osd_rotation(path: Path, dpi: int, budget: _Budget | None = None) -> int:
    """Counter-clockwise degrees Tesseract's orientation detection says would make the page upright."""
    budget = budget or _Budget(0)
    try:
        osd = pytesseract.image_to_osd(
            str(path), config=f"--psm 0 --dpi {dpi}", output_type=pytesseract.Output.DICT, timeout=budget.left()
        )
    except pytesseract.TesseractError:
        # Too little text to decide: keep the first reading rather than guess.
        return 0
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError) as e:
        raise (budget.error(e) or _tesseract_error(e, "osd", path.name)) from e
    # OSD's "rotate" is clockwise; PIL turns counter-clockwise.
    return (360 - int(osd.get("rotate", 0))) % 360


def result_from_data(data: dict[str, list]) -> OcrResult:
    """Words and page text from one `image_to_data` table, laid out like a text-layer page (see `page_text_from_data`)."""
    text, words, regions = page_text_from_data(data)
    confidences = [w.conf for w in words if w.conf >= 0]
    mean_conf = float(np.mean(confidences)) if confidences else 0.0
    return OcrResult(text=text, words=words, mean_conf=round(mean_conf, 2), regions=regions)


@dataclass(frozen=True, slots=True)
class _TesseractWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # Tesseract's (block, paragraph, line)


def _tesseract_words(data: dict[str, list]) -> list[_TesseractWord]:
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if int(data["level"][i]) != 5 or not text:
            continue
        words.append(
            _TesseractWord(
                text,
                int(data["left"][i]),
                int(data["top"][i]),
                int(data["width"][i]),
                int(data["height"][i]),
                float(data["conf"][i]),
                (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    return words


def _residual_slope(words: list[_TesseractWord]) -> float:
    """How far the text lines still climb or fall (dy per dx): the median of a straight fit through the word
    bottoms of each of Tesseract's lines of three or more words.

    Skews under MIN_SKEW are left in the image, and at 1.5 degrees a line falls by more than its own height
    across an A4 page: its words must be levelled before they are grouped into lines by position.
    """
    lines: dict[tuple[int, int, int], list[_TesseractWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    slopes = []
    for members in lines.values():
        if len(members) < 3:
            continue
        xs = np.array([w.left + w.width / 2 for w in members], dtype=np.float64)
        ys = np.array([w.top + w.height for w in members], dtype=np.float64)
        if np.ptp(xs) < 10 * np.median([w.height for w in members]):
            continue
        slopes.append(float(np.polyfit(xs, ys, 1)[0]))
    return float(np.median(slopes)) if slopes else 0.0


def page_text_from_data(data: dict[str, list]) -> tuple[str, list[Word], list[Region]]:
    """One `image_to_data` table -> page text, its words in text order, and regions, read by `pipeline.intake.layout`.

    Tesseract's own blocks put a cover's labels in one block and their values in another; its word boxes, levelled
    by the lines' residual skew, go through the same layout engine as a text layer's words instead, so an OCR page
    reads as a text-layer page does: lines by position, a label beside its value, table rows with tab-separated
    cells, a running header or footer as a line of its own. Each word keeps its box in image pixels, its
    confidence, and its line in the page text; the words' texts appear in the page text in this order.
    """
    words = _tesseract_words(data)
    if not words:
        return "", [], []
    slope = _residual_slope(words)
    pages = [i for i, level in enumerate(data["level"]) if int(level) == 1]
    width = int(data["width"][pages[0]]) if pages else max(w.left + w.width for w in words)
    height = int(data["height"][pages[0]]) if pages else max(w.top + w.height for w in words)
    boxes, source = [], {}
    for w in words:
        drop = slope * (w.left + w.width / 2)
        box = Box(w.text, w.left, w.top - drop, w.left + w.width, w.top + w.height - drop)
        boxes.append(box)
        source[(box.text, box.x0, box.top, box.x1, box.bottom)] = w
    laid = layout_page(boxes, width, height)
    placed = []
    for p in laid.words:
        w = source[(p.text, p.x0, p.top, p.x1, p.bottom)]
        placed.append(Word(text=w.text, left=w.left, top=w.top, width=w.width, height=w.height, conf=w.conf, line=p.line))
    return laid.text, placed, list(laid.regions)
