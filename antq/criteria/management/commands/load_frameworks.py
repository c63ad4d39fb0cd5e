"""`antq load_frameworks [DIR]`: load the framework YAML files (default: the packaged data).

Every file is validated first; any problem in any file → one report, exit code 1, nothing written.
Loading the same files again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.core.errors import DomainError
from antq.criteria import loader
from antq.criteria.engine import FrameworkError


class Command(BaseCommand):
    help = "Nạp các tệp bộ tiêu chí (YAML) vào cơ sở dữ liệu, có phiên bản; kiểm tra toàn bộ trước khi ghi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            default=None,
            help="Thư mục chứa các tệp *.yaml (mặc định: antq/criteria/data)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            documents = loader.read_files(options["directory"])
            report = loader.apply(documents)
        except FrameworkError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except DomainError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for name in report.created:
            self.stdout.write(f"  + {name}")
        for name in report.updated:
            self.stdout.write(f"  ~ {name} (cập nhật phiên bản chưa khóa)")
        self.stdout.write(
            f"{len(report.created)} phiên bản mới, {len(report.updated)} cập nhật, "
            f"{len(report.unchanged)} không đổi."
        )
