from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from antq.org.admin_units import load_current_admin_units


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

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_current_admin_units(province_numbers=set(options["province"]) or None)
        self.stdout.write(f"Đã tạo {result.created}, cập nhật {result.updated} đơn vị hành chính.")
