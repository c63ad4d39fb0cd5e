from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from antq.demo.data import DEMO_PASSWORD, load_demo
from antq.demo.totp import DEMO_TOTP_SECRET, demo_devices_exist
from antq.org.history import HistoryDataMissing, load_pre_reform_units, read_pre_reform_data


class Command(BaseCommand):
    help = "Nạp dữ liệu minh hoạ: tỉnh Gia Lai với vài trăm đơn vị và một tài khoản cho mỗi vai trò."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        # The pre-reform tree makes the lineage panel meaningful in the demo; it is optional data.
        try:
            load_pre_reform_units(read_pre_reform_data())
        except HistoryDataMissing:
            self.stdout.write('(Bỏ qua dữ liệu trước 01/7/2025: chưa cài gói ".[history]".)')
        self.stdout.write(f"Tài khoản minh hoạ (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role} — {login.node}")
        if demo_devices_exist():
            self.stdout.write(
                "Xác thực hai lớp (quantri, tinh.canbo, tinh.lanhdao, thanhtra): khoá bí mật chung "
                f"{DEMO_TOTP_SECRET}; mã hiện tại: antq demo_totp"
            )
