from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from antq.demo.national import generate_national


class Command(BaseCommand):
    help = (
        "Sinh bộ dữ liệu tổng hợp toàn quốc (34 tỉnh, 3.321 xã, ~200.000 đơn vị, nhiều năm) để đo hiệu năng; "
        "cùng một seed cho cùng dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=200_000, help="số đơn vị (mặc định 200000)")
        parser.add_argument(
            "--years", type=int, default=3, help="số năm đánh giá, kết thúc năm nay (mặc định 3)"
        )
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên (mặc định 1)")
        parser.add_argument(
            "--provinces", default="", help="chỉ các tỉnh này, mã cách nhau bởi dấu phẩy (ví dụ T01,T52)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor, _created = User.objects.get_or_create(username="sinh.du.lieu", defaults={"password": "!"})  # noqa: S106  # nosec B105
        report = generate_national(
            units=options["units"],
            years=options["years"],
            seed=options["seed"],
            provinces=[p for p in options["provinces"].split(",") if p.strip()],
            actor=actor,
            say=lambda message: self.stdout.write(f"  {message}"),
        )
        years = ", ".join(map(str, report.years))
        self.stdout.write(
            f"{report.provinces} tỉnh, {report.communes} xã, {report.units} đơn vị "
            f"({report.moved} chuyển xã năm 2025), {report.users} tài khoản, năm {years}: "
            f"{report.cycles_nodes} lượt đơn vị-năm, {report.evidence} minh chứng, "
            f"{report.incidents} vụ việc, {report.initiatives} mô hình — "
            f"{report.rows} dòng trong {report.seconds:.1f} s ({report.rate:,.0f} dòng/s)."
        )
