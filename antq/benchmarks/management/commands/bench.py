from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from antq.benchmarks.operations import OPERATIONS, Bench
from antq.benchmarks.timing import table


class Command(BaseCommand):
    help = (
        "Đo hiệu năng các thao tác chính trên CSDL hiện tại (nên là PostgreSQL với dữ liệu của "
        "antq generate_national); in bảng và ghi JSON. Không thuộc bộ kiểm thử."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="số lần đo mỗi thao tác (mặc định 20)")
        parser.add_argument("--import-rows", type=int, default=100_000, help="số dòng của tệp nhập (100000)")
        parser.add_argument(
            "--only", default="", help=f"chỉ các nhóm này, cách nhau bởi dấu phẩy: {', '.join(OPERATIONS)}"
        )
        parser.add_argument("--province", default="", help="mã tỉnh có bảng điều hành được đo (vd. T22)")
        parser.add_argument("--json", default=str(Path(settings.VAR_DIR) / "bench" / "latest.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = [name for name in options["only"].split(",") if name] or list(OPERATIONS)
        unknown = set(chosen) - set(OPERATIONS)
        if unknown:
            raise CommandError(f"Không có nhóm đo: {', '.join(sorted(unknown))}")
        bench = Bench.prepare(
            repeat=options["repeat"], import_rows=options["import_rows"], province=options["province"]
        )
        rows = []
        for name in chosen:
            self.stdout.write(f"  … {name}")
            rows.extend(OPERATIONS[name](bench))
        self.stdout.write(table(rows))
        out = Path(options["json"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "when": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "machine": {"python": platform.python_version(), "cpu_count": _cpus()},
                    "units": bench.units,
                    "rows": [row.as_dict() for row in rows],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        self.stdout.write(f"JSON: {out}")


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
