from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from antq.demo.totp import DEMO_TOTP_SECRET, current_demo_code, demo_devices_exist


class Command(BaseCommand):
    help = "In mã xác thực hai lớp hiện tại của các tài khoản minh hoạ (chỉ dùng với dữ liệu minh hoạ)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp bị từ chối khi ANTQ_PRODUCTION=1.")
        if not demo_devices_exist():
            raise CommandError(
                "Chưa nạp dữ liệu minh hoạ (antq load_demo): không có tài khoản minh hoạ nào dùng khoá chung."
            )
        code, seconds = current_demo_code()
        self.stdout.write(f"Mã xác thực: {code} (còn hiệu lực {seconds} giây)")
        self.stdout.write(
            f"Khoá bí mật chung của tài khoản minh hoạ (thêm vào ứng dụng xác thực): {DEMO_TOTP_SECRET}"
        )
