from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from antq.demo.data import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu minh hoạ: tỉnh Gia Lai với vài trăm đơn vị và một tài khoản cho mỗi vai trò."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(f"Tài khoản minh hoạ (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role} — {login.node}")
