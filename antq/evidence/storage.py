"""Where evidence files live: outside the web root, reachable only through the download view.

The storage is Django's `STORAGES["evidence"]` when that alias is configured (S3 through
django-storages, for instance), else a local directory `<VAR_DIR>/evidence` (by default
`BASE_DIR/var/evidence`), which no URL serves. The choice is made lazily and again whenever
`STORAGES` changes (tests point it at a temporary directory with `override_settings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

STORAGE_ALIAS = "evidence"


def default_location() -> Path:
    """`<VAR_DIR>/evidence`: next to the other runtime data, never under STATIC_ROOT or MEDIA_ROOT."""
    var_dir = getattr(settings, "VAR_DIR", None) or Path(settings.BASE_DIR) / "var"
    return Path(var_dir) / "evidence"


class EvidenceStorage(LazyObject):
    """The configured evidence storage, resolved on first use."""

    def _setup(self) -> None:
        if settings.STORAGES.get(STORAGE_ALIAS):
            self._wrapped = storages[STORAGE_ALIAS]
        else:
            # Owner read/write only: the files hold internal documents of units.
            self._wrapped = FileSystemStorage(
                location=default_location(), file_permissions_mode=0o640, directory_permissions_mode=0o750
            )


_lazy_storage = EvidenceStorage()
# Typed as what it stands for: every Storage method reaches the resolved backend.
evidence_storage = cast(Storage, _lazy_storage)


def get_evidence_storage() -> Storage:
    """The storage of `EvidenceDocument.file` (a callable, so migrations do not record a path)."""
    return evidence_storage


@receiver(setting_changed)
def _storage_settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STORAGES", "VAR_DIR", "BASE_DIR"}:
        _lazy_storage._wrapped = empty  # type: ignore[assignment]
