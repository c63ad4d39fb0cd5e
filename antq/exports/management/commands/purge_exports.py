"""`antq purge_exports`: remove exported files past their retention time (run it hourly or daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from antq.exports.services import export_purge


class Command(BaseCommand):
    help = "Xoá các tệp đã xuất quá thời hạn lưu (EXPORT_RETENTION_HOURS) và đánh dấu hết hạn."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = export_purge()
        self.stdout.write(f"Đã xoá {purged} tệp hết hạn.")
