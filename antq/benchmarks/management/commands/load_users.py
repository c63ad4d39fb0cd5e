from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.cycles import services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, AssessmentRound, Registration
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

PASSWORD = "tai-thu-deadline-2026"  # noqa: S105 - load-test accounts on a benchmark database only  # nosec B105
LEAF = "QD510.CQ.5.a"


class Command(BaseCommand):
    help = "Tạo tài khoản cho kiểm thử tải: mỗi cán bộ đơn vị một phiếu tự đánh giá đang soạn (cơ quan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "bench" / "load-users.json"))

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        admin, _c = User.objects.get_or_create(username="bench.quantri")
        nation = OrgNode.objects.get(kind=NodeKind.NATION)
        Membership.objects.get_or_create(user=admin, node=nation, role=Role.SYSTEM_ADMIN)
        registrations = list(
            Registration.objects.filter(
                status=RegistrationStatus.ACCEPTED, node__kind=NodeKind.AGENCY, cycle__status="open"
            )
            .select_related("node", "cycle")
            .order_by("pk")[: options["count"]]
        )
        officers = []
        for n, registration in enumerate(registrations, start=1):
            user, created = User.objects.get_or_create(username=f"tai.{n:04d}")
            if created or not user.check_password(PASSWORD):
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, node=registration.node, role=Role.UNIT_OFFICER)
            assessment = Assessment.objects.filter(cycle=registration.cycle, node=registration.node).first()
            if assessment is None:
                assessment = services.assessment_start(
                    by=admin, scope=Scope.for_user(admin), cycle=registration.cycle, node=registration.node
                )
            # A re-run starts from the same state: every account's sheet back to a draft never sent
            # (a draft has no rounds; a round is written at each submission).
            AssessmentRound.objects.filter(assessment=assessment).delete()
            Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.DRAFT, round=1)
            officers.append({"username": user.username, "assessment": assessment.pk, "leaf": LEAF})
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"password": PASSWORD, "officers": officers}, indent=1), encoding="utf-8")
        self.stdout.write(f"{len(officers)} tài khoản → {out}")
