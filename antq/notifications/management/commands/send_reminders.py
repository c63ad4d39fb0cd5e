"""`antq send_reminders [--date YYYY-MM-DD]`: the daily reminders and overdue notices.

Run once a day (cron or a systemd timer). Running it again the same day sends nothing twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from antq.notifications import reminders


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Gửi nhắc hạn và thông báo quá hạn trong ngày: thông báo trong ứng dụng và một thư tổng hợp "
        "cho mỗi người. Chạy mỗi ngày một lần; chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=_date, default=None, help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on: dt.date = options["date"] or timezone.localdate()
        try:
            result = reminders.run(on=on)
        except reminders.RemindersUnavailable as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(
            f"{on:%d/%m/%Y}: {result.users} người nhận, {result.created} thông báo mới, "
            f"{result.emails} thư đã gửi."
        )
        if result.failed:
            # A non-zero exit makes cron / systemd report it; the next run retries these.
            raise CommandError(f"{result.failed} thư không gửi được (xem nhật ký); lần chạy sau sẽ gửi lại.")
