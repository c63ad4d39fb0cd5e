from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from antq.reports.definitions import DefinitionFileError, load_national


class Command(BaseCommand):
    help = "Nạp các loại báo cáo định kỳ mặc định toàn quốc từ antq/reports/data/definitions.yaml."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = load_national()
        except DefinitionFileError as exc:
            raise CommandError(f"Tệp loại báo cáo không hợp lệ:\n{exc}") from exc
        self.stdout.write(f"Đã nạp {written} loại báo cáo (không đổi: bỏ qua).")
