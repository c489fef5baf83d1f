"""One settings object fed by environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_DATABASE_URL = "sqlite:///protokoll.db"


class SettingsError(ValueError):
    """An environment variable whose value the setting cannot take (the CLI reports it as a usage error)."""


def _number(env, name: str, default: int | float, kind: type[int] | type[float]) -> int | float:
    """A positive number from the environment: `name` unset gives `default`."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if not value > 0:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {what} greater than 0, not {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Run configuration; build with `Settings.from_env()` and override with `.with_(...)`."""

    database_url: str = DEFAULT_DATABASE_URL
    workers: int = 2
    ocr_language: str = "swe"
    ocr_dpi: int = 300
    dask_address: str | None = None
    max_file_bytes: int = 512 * 1024 * 1024
    max_pages: int = 5000
    # A text layer with fewer real characters than this on a page is treated as absent.
    min_text_chars: int = 20
    # An A4 page at 600 dpi is 35 megapixels; past this an image is a decompression bomb, not a scan.
    max_image_megapixels: int = 180
    # A page of text needs more than a thumbnail: below this many pixels on a side an image file fails.
    min_image_side: int = 16
    # Tesseract is stopped after this long on one page (pytesseract's timeout), the page recorded as failed.
    ocr_page_timeout: float = 120.0
    # Reading one file (text layer, or all its OCR pages) is given up after this long, so no file holds the batch.
    file_timeout: float = 1800.0
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        base = cls()
        return replace(
            base,
            database_url=env.get("PROTOKOLL_DATABASE_URL", base.database_url),
            workers=_number(env, "PROTOKOLL_WORKERS", base.workers, int),
            ocr_language=env.get("PROTOKOLL_OCR_LANGUAGE", base.ocr_language),
            dask_address=env.get("PROTOKOLL_DASK_ADDRESS") or None,
            max_image_megapixels=_number(env, "PROTOKOLL_MAX_IMAGE_MEGAPIXELS", base.max_image_megapixels, int),
            ocr_page_timeout=_number(env, "PROTOKOLL_OCR_PAGE_TIMEOUT", base.ocr_page_timeout, float),
            file_timeout=_number(env, "PROTOKOLL_FILE_TIMEOUT", base.file_timeout, float),
        )

    def with_(self, **changes: object) -> "Settings":
        """A copy with the given fields replaced; None values are ignored (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
