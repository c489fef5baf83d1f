"""One settings object fed by environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_DATABASE_URL = "sqlite:///protokoll.db"


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
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        base = cls()
        return replace(
            base,
            database_url=env.get("PROTOKOLL_DATABASE_URL", base.database_url),
            workers=int(env.get("PROTOKOLL_WORKERS", base.workers)),
            ocr_language=env.get("PROTOKOLL_OCR_LANGUAGE", base.ocr_language),
            dask_address=env.get("PROTOKOLL_DASK_ADDRESS") or None,
        )

    def with_(self, **changes: object) -> "Settings":
        """A copy with the given fields replaced; None values are ignored (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
