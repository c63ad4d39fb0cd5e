"""What can be exported: each app registers its lists here from its own `exports.py`.

`ExportsConfig.ready` imports every app's `exports` module (`autodiscover_modules`), so an exporter
exists as soon as the project starts. A kind is a stable key: it appears in URLs and on stored jobs.

An exporter's `build(job, progress)` reads the job's node (`job.node`), filters (`job.params`) and
user (`job.created_by`, for the scope) and returns either a `Table` (written here, progress reported
against `Table.total`) or `(bytes, file name)` for a file it produced itself; it may call
`progress(done, total)` itself as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

# Re-exported: exporters build their tables with these.
from antq.core.xlsx import DATE as DATE
from antq.core.xlsx import DATETIME as DATETIME
from antq.core.xlsx import DECIMAL as DECIMAL
from antq.core.xlsx import INTEGER as INTEGER
from antq.core.xlsx import PERCENT as PERCENT
from antq.core.xlsx import Table as Table

if TYPE_CHECKING:
    from antq.exports.models import ExportJob
    from antq.org.models import OrgNode

Progress = Callable[[int, int], None]
BuildResult = Table | tuple[bytes, str]
Build = Callable[["ExportJob", Progress], BuildResult]
Describe = Callable[[dict[str, Any], "OrgNode"], str]


@dataclass(frozen=True)
class Exporter:
    """One exportable list: `action` is checked on the job's node when started and downloaded."""

    kind: str
    label: str | Promise
    action: str
    build: Build
    # Query-string keys the list page filters by: copied from the start form into `job.params`.
    filters: tuple[str, ...] = ()
    # A short file name stem (no extension); the kind when empty.
    filename: str = ""
    # What one export holds, in words (which list, node, year): the job's label on "Tệp đã xuất"
    # and its file name. `label` alone when absent.
    describe: Describe | None = None

    def describe_job(self, params: dict[str, Any], node: OrgNode) -> str:
        """The label of a job of this exporter with `params` for `node` (at most 200 characters)."""
        text = self.describe(params, node) if self.describe is not None else ""
        return (text or str(self.label))[:200]


_EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Add `exporter`; registering the same kind twice (a module imported twice) keeps the last."""
    _EXPORTERS[exporter.kind] = exporter
    return exporter


def get(kind: str) -> Exporter | None:
    """The exporter of `kind`, or None for an unknown kind."""
    return _EXPORTERS.get(kind)


def all_exporters() -> list[Exporter]:
    """Every registered exporter, by kind."""
    return [_EXPORTERS[kind] for kind in sorted(_EXPORTERS)]


def param_text(params: dict[str, Any], key: str) -> str:
    """A filter value of a job as text ('' when absent): the list pages' forms take text."""
    value = params.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)
