from __future__ import annotations

import csv
import json
import os
import subprocess  # nosec B404 - runs gunicorn and locust with fixed arguments
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

LOCUSTFILE = Path(__file__).resolve().parents[2] / "load" / "locustfile.py"


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _aggregated(prefix: Path) -> dict[str, Any]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "by_name": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p95_ms": float(row["95%"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
    }


class Command(BaseCommand):
    help = (
        "Kiểm thử tải ngày hết hạn: chạy gunicorn nhiều tiến trình trên 127.0.0.1 và locust không giao diện; "
        "in thông lượng, số lỗi, p50/p95/p99, bộ nhớ tiến trình và trần của một địa chỉ đơn giản."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--spawn-rate", type=float, default=2)
        parser.add_argument("--duration", default="3m")
        parser.add_argument("--ceiling-duration", default="30s")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "bench"))

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        users_file = out / "load-users.json"
        call_command("load_users", count=options["users"], out=str(users_file), stdout=self.stdout)
        host = f"http://127.0.0.1:{options['port']}"
        bin_dir = Path(sys.executable).parent
        server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only  # nosec B603
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi",
                "-w",
                str(options["workers"]),
                "-b",
                f"127.0.0.1:{options['port']}",
                "--log-level",
                "warning",
            ],
            # Persistent database connections, as a production server keeps them (DB_CONN_MAX_AGE).
            env={"DB_CONN_MAX_AGE": "60", **os.environ},
        )
        memory: list[float] = []
        try:
            self._wait(f"{host}/healthz")
            env = os.environ | {"ANTQ_LOAD_USERS": str(users_file)}

            def locust(user_class: str, users: int, rate: float, duration: str, prefix: Path) -> None:
                command = [
                    str(bin_dir / "locust"),
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--only-summary",
                    "-u",
                    str(users),
                    "-r",
                    str(rate),
                    "-t",
                    duration,
                    "--host",
                    host,
                    "--csv",
                    str(prefix),
                    user_class,
                ]
                process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603  # nosec B603
                while process.poll() is None:
                    memory.extend(_rss_mb(pid) for pid in _children(server.pid))
                    time.sleep(2)

            locust("Ceiling", 20, 20, options["ceiling_duration"], out / "ceiling")
            ceiling = _aggregated(out / "ceiling")
            memory.clear()
            locust("UnitOfficer", options["users"], options["spawn_rate"], options["duration"], out / "load")
            load = _aggregated(out / "load")
        finally:
            server.terminate()
            server.wait(timeout=30)
        report = {
            "users": options["users"],
            "duration": options["duration"],
            "workers": options["workers"],
            "load": load,
            "ceiling_rps": ceiling["rps"],
            "share_of_ceiling": round(load["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None,
            "worker_rss_mb_max": round(max(memory, default=0.0), 1),
        }
        (out / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(
            f"{load['requests']} yêu cầu, {load['failures']} lỗi, {load['rps']:.1f} yêu cầu/s "
            f"({report['share_of_ceiling']} × trần {ceiling['rps']:.0f}/s); p50 {load['p50_ms']:.0f} ms, "
            f"p95 {load['p95_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms; bộ nhớ tiến trình tối đa "
            f"{report['worker_rss_mb_max']} MB. Chi tiết: {out / 'load.json'}"
        )
        if load["failures"]:
            for name, row in load["by_name"].items():
                if row["failures"]:
                    self.stdout.write(f"  lỗi ở {name}: {row['failures']}")

    def _wait(self, url: str) -> None:
        for _ in range(60):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback  # nosec B310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError(f"Máy chủ không trả lời tại {url}.")
