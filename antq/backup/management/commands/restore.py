from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.backup.archive import BackupError
from antq.backup.restore import backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Khôi phục CSDL và tệp minh chứng từ một bản sao lưu của `antq backup`: kiểm tra mã băm trước, "
        "rồi ghi tất cả hoặc không ghi gì. CSDL đích phải ở cùng trạng thái migration (chạy `antq migrate` "
        "trên CSDL trống trước) và trống, trừ khi có --replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="tệp sao lưu (.zip)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="xoá toàn bộ dữ liệu hiện có của CSDL đích và thay bằng bản sao lưu",
        )
        parser.add_argument(
            "--check", action="store_true", help="chỉ kiểm tra bản sao lưu (mã băm, số dòng), không ghi gì"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if options["check"]:
                manifest = backup_verify(path=path)
                rows = sum(table["rows"] for table in manifest["tables"])
                self.stdout.write(
                    f"Bản sao lưu nguyên vẹn: tạo lúc {manifest['created_at']} trên {manifest['vendor']} "
                    f"(ANTQ {manifest['app_version']}), {len(manifest['tables'])} bảng, "
                    f"{rows:,} dòng, {len(manifest['files'])} tệp minh chứng.".replace(",", ".")
                )
                return
            report = backup_restore(
                path=path, replace=options["replace"], say=lambda message: self.stdout.write(f"  {message}")
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = f"{report.rows:,}".replace(",", ".")
        self.stdout.write(
            f"Đã khôi phục {report.tables} bảng, {rows} dòng (bản sao lưu {report.created_at}, "
            f"{report.source_vendor}); {report.files_written} tệp minh chứng ghi mới, "
            f"{report.files_unchanged} tệp đã có sẵn; {report.seconds:.1f} s. "
            "Mọi phiên đăng nhập đã bị huỷ."
        )
