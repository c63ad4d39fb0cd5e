"""The daily job: read what is still due from the cycle calendar, then send the digests.

Shared by `antq send_reminders` and the `send_reminders` task. The calendar lives in the cycles
app; it is imported when the job runs, so that notifications work (and this module imports)
before that app is there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from antq.core.errors import DomainError
from antq.notifications import services
from antq.notifications.digests import Obligation

CALENDAR_MODULE = "antq.cycles.calendar"


class RemindersUnavailable(DomainError):
    """The cycle calendar (`antq.cycles.calendar.pending_obligations`) cannot be imported."""


def pending_obligations_source() -> Callable[[dt.date], Sequence[Obligation]]:
    """`antq.cycles.calendar.pending_obligations`, or RemindersUnavailable if it is not there."""
    try:
        from antq.cycles.calendar import pending_obligations
    except ImportError as exc:
        # Only the calendar itself missing; a broken import inside it is a bug to see in full.
        if exc.name != CALENDAR_MODULE:
            raise
        raise RemindersUnavailable(
            _("Chưa có lịch hạn của kỳ đánh giá (%(module)s.pending_obligations): %(error)s")
            % {"module": CALENDAR_MODULE, "error": exc}
        ) from exc
    return pending_obligations


def run(*, on: dt.date) -> services.DigestRun:
    """Send the reminders and overdue notices of day `on` (in the site language)."""
    pending_obligations = pending_obligations_source()
    return services.send_daily_digests(on=on, obligations=pending_obligations(on))
