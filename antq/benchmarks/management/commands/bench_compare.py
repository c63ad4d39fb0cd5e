from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.benchmarks.timing import growth_table


class Command(BaseCommand):
    help = (
        "So sánh hai lần chạy antq bench (vd. 20.000 và 200.000 đơn vị): thời gian mỗi thao tác "
        "ở lần sau chia cho lần trước."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("before", help="JSON của lần chạy trên dữ liệu nhỏ")
        parser.add_argument("after", help="JSON của lần chạy trên dữ liệu lớn")
        parser.add_argument("--json", default="", help="ghi kết quả so sánh vào tệp này")

    def handle(self, *args: Any, **options: Any) -> None:
        before, after = (self._read(options[name]) for name in ("before", "after"))
        lines, rows = growth_table(before, after)
        self.stdout.write(lines)
        if options["json"]:
            out = Path(options["json"])
            out.parent.mkdir(parents=True, exist_ok=True)
            data = {"before_units": before["units"], "after_units": after["units"], "rows": rows}
            out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"JSON: {out}")

    @staticmethod
    def _read(name: str) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Không đọc được {name}: {error}") from error
        return data
