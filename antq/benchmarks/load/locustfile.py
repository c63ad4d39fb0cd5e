"""Deadline day: unit officers log in, list their units, open their assessment, save items and
submit; commune officers open the dashboard. Run by `antq loadtest` (headless, loopback only).

The accounts come from `antq load_users` (var/bench/load-users.json): one unit officer per draft
assessment, so that concurrent saves and submissions are each user's own, as on the real day.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

USERS = json.loads(Path(os.environ["ANTQ_LOAD_USERS"]).read_text(encoding="utf-8"))
PASSWORD = USERS["password"]
_officers = itertools.cycle(USERS["officers"])
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class UnitOfficer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account: dict[str, Any] = next(_officers)
        page = self.client.get("/accounts/login/", name="login page")
        token = _TOKEN.search(page.content)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
        )
        self.csrf = self.client.cookies.get("csrftoken", "")
        self.saves = 0

    def _api(self, path: str, payload: dict[str, Any], name: str) -> Any:
        return self.client.post(
            path,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
            name=name,
        )

    @task(2)
    def list_units(self) -> None:
        self.client.get("/units/", name="unit list")

    @task(3)
    def open_assessment(self) -> None:
        self.client.get(f"/cycles/assessments/{self.account['assessment']}/", name="open assessment")

    @task(6)
    def save_item(self) -> None:
        pk = self.account["assessment"]
        detail = self.client.get(f"/api/v1/assessments/{pk}/", name="assessment (API)")
        if detail.status_code != 200:
            return
        data = detail.json()
        if data.get("status") not in {"draft", "returned"}:
            return
        self.saves += 1
        self._api(
            f"/api/v1/assessments/{pk}/save-self/",
            {"version": data["version"], "self_scores": {self.account["leaf"]: self.saves % 3}},
            "save items",
        )

    @task(1)
    def submit(self) -> None:
        pk = self.account["assessment"]
        if self.saves < 3:
            return
        detail = self.client.get(f"/api/v1/assessments/{pk}/", name="assessment (API)")
        if detail.status_code == 200 and detail.json().get("status") in {"draft", "returned"}:
            # An incomplete sheet is refused with the list of what is missing (HTTP 400, a documented
            # answer the officer acts on); only another status or a 400 without that list is an error.
            with self.client.post(
                f"/api/v1/assessments/{pk}/submit/",
                data=json.dumps({"version": detail.json()["version"]}),
                headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
                name="submit",
                catch_response=True,
            ) as response:
                if response.status_code == 200 or (
                    response.status_code == 400 and b"detail" in response.content
                ):
                    response.success()
                else:
                    response.failure(f"submit: {response.status_code}")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")


class Ceiling(HttpUser):
    """The same server's trivial endpoint: the throughput no page can exceed (run on its own)."""

    wait_time = between(0, 0)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz")
