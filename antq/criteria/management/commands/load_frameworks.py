"""`antq load_frameworks [DIR]`: load the framework YAML files (default: the packaged data).

Every file is validated first; any problem in any file → one report, exit code 1, nothing written.
Loading the same files again changes nothing. A file whose content changed under the same `version`
is refused (bump the version); `--replace-draft` overwrites a version that is not frozen yet.
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
        parser.add_argument(
            "--replace-draft",
            action="store_true",
            help="Cho phép ghi đè tại chỗ một phiên bản chưa khóa khi nội dung tệp đổi mà không tăng "
            "số phiên bản (có ghi nhật ký). Phiên bản đã khóa không bao giờ bị ghi đè.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            documents = loader.read_files(options["directory"])
            report = loader.apply(documents, replace_draft=options["replace_draft"])
        except FrameworkError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except DomainError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for name in report.created:
            self.stdout.write(f"  + {name}")
        for name in report.updated:
            self.stdout.write(f"  ~ {name} (ghi đè bản nháp chưa khóa)")
        self.stdout.write(
            f"{len(report.created)} phiên bản mới, {len(report.updated)} cập nhật, "
            f"{len(report.unchanged)} không đổi."
        )
