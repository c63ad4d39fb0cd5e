from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from antq.backup.archive import BackupError
from antq.backup.services import backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ CSDL và các tệp minh chứng mà CSDL tham chiếu vào một tệp (.zip), đọc trong một "
        "ảnh chụp nhất quán; khôi phục bằng `antq restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default="",
            help="tệp sao lưu cần tạo (mặc định var/backups/antq-<thời điểm>.zip); không ghi đè tệp đã có",
        )
        parser.add_argument(
            "--compress",
            type=int,
            default=6,
            choices=range(10),
            metavar="0-9",
            help="mức nén dữ liệu bảng (0 = không nén, 9 = nhỏ nhất; mặc định 6)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if options["path"]:
            path = Path(options["path"])
        else:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = folder / f"antq-{timezone.now():%Y%m%d-%H%M%S}.zip"
        try:
            report = backup_create(
                path=path,
                say=lambda message: self.stdout.write(f"  {message}"),
                compresslevel=options["compress"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name in report.missing_files:
            self.stderr.write(f"Thiếu tệp minh chứng được CSDL tham chiếu: {name}")
        for name in report.mismatched_files:
            self.stderr.write(f"Tệp minh chứng khác mã băm / dung lượng đã ghi trong CSDL: {name}")
        for name in report.unknown_tables:
            self.stderr.write(f"Bảng không thuộc ứng dụng nào, không sao lưu: {name}")
        rows = f"{report.rows:,}".replace(",", ".")
        self.stdout.write(
            f"Đã sao lưu {report.tables} bảng, {rows} dòng, {report.files} tệp minh chứng "
            f"vào {report.path} ({report.size / 1_048_576:.1f} MiB) trong {report.seconds:.1f} s."
        )
        if report.missing_files or report.mismatched_files:
            raise CommandError(
                f"Bản sao lưu đã ghi, nhưng {len(report.missing_files)} tệp minh chứng bị thiếu và "
                f"{len(report.mismatched_files)} tệp khác mã băm (xem danh sách ở trên)."
            )
