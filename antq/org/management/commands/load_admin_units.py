from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.core.errors import DomainError
from antq.org.admin_units import load_current_admin_units
from antq.org.history import HistoryDataMissing, PreReformData, load_pre_reform_units, read_pre_reform_data

MAX_LISTED = 50


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu (từ 01/7/2025) từ gói vietnam-provinces."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            type=int,
            action="append",
            default=[],
            help="Chỉ nạp tỉnh có mã này (có thể lặp lại), ví dụ --province 52",
        )
        parser.add_argument(
            "--pre-reform",
            action="store_true",
            help=(
                "Nạp thêm 63 tỉnh, các huyện và xã trước ngày 01/7/2025 (đã hết hiệu lực) cùng quan hệ "
                'sáp nhập cũ → mới; cần gói vietnamadminunits: pip install -e ".[history]"'
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data: PreReformData | None = None
        if options["pre_reform"]:
            # Fail before touching the database when the optional data package is missing.
            try:
                data = read_pre_reform_data()
            except HistoryDataMissing as exc:
                raise CommandError(
                    "Chưa cài gói dữ liệu đơn vị hành chính trước sắp xếp (vietnamadminunits). "
                    'Hãy chạy: pip install -e ".[history]"'
                ) from exc
        result = load_current_admin_units(province_numbers=set(options["province"]) or None)
        self.stdout.write(f"Đã tạo {result.created}, cập nhật {result.updated} đơn vị hành chính.")
        if data is None:
            return
        try:
            history = load_pre_reform_units(data)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Trước sắp xếp: đã tạo {history.provinces} tỉnh, {history.districts} huyện, "
            f"{history.communes} xã và {history.lineage} quan hệ sáp nhập, chia tách."
        )
        if history.unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(history.unmatched)} đơn vị chưa đối chiếu được với đơn vị hiện hành:"
                )
            )
            for line in history.unmatched[:MAX_LISTED]:
                self.stdout.write(f"  {line}")
            if len(history.unmatched) > MAX_LISTED:
                self.stdout.write(f"  … và {len(history.unmatched) - MAX_LISTED} đơn vị khác.")
