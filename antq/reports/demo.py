"""Demo periodic reports: the demo year's 6-month report sent by the home commune and a few other
communes (one late), one of them accepted, and the province's report started, prefilled with the
sum of what its communes sent. Played through the services, so the audit log is a real one."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.reports import services
from antq.reports.definitions import load_national
from antq.reports.models import Report, ReportDefinition

SIX_MONTH = "so-ket-6-thang"
TEXTS = {
    "Tình hình chung": (
        "Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn cơ bản ổn định; không để xảy ra "
        "đột xuất, bất ngờ. Cấp ủy, chính quyền quan tâm lãnh đạo, chỉ đạo phong trào."
    ),
    "Kết quả thực hiện": (
        "1. Tổ chức quán triệt kế hoạch thực hiện phong trào năm; 100% khu dân cư, cơ quan, nhà trường "
        "đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”.\n"
        "2. Duy trì hoạt động các mô hình tự phòng, tự quản, tự bảo vệ; tổ chức tuyên truyền, tập huấn "
        "cho lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở."
    ),
    "Tồn tại, hạn chế": "Một số doanh nghiệp chưa quan tâm đăng ký phong trào; hồ sơ minh chứng còn chậm.",
    "Phương hướng, nhiệm vụ": (
        "Tiếp tục tuyên truyền, vận động; chuẩn bị tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc (19/8); "
        "hướng dẫn các đơn vị tự đánh giá, chấm điểm cuối năm."
    ),
    "Kiến nghị, đề xuất": "Đề nghị cấp trên tổ chức tập huấn nghiệp vụ xây dựng phong trào cho cán bộ cơ sở.",
}
# Days of July the communes send on (the 6-month report is due to the province by 10/7): the home
# commune and two others on time, the last one late.
SENT_ON = ((8, 9), (9, 15), (10, 16), (16, 10))


def _send(actor: User, node: OrgNode, definition: ReportDefinition, year: int, when: dt.datetime) -> Report:
    scope = Scope.for_user(actor)
    report = services.report_start(by=actor, scope=scope, definition=definition, year=year, node=node)
    texts = [TEXTS.get(item["heading"], "Không có.") for item in report.narrative_items()]
    report = services.report_update(
        by=actor, scope=scope, report=report, texts=texts, expected_version=report.version
    )
    return services.report_submit(
        by=actor, scope=scope, report=report, expected_version=report.version, now=min(when, timezone.now())
    )


def load_demo_reports(
    *, province: OrgNode, home_commune: OrgNode, year: int, police: User, officer: User, admin: User
) -> Report | None:
    """Seed the reports (`police`: the home commune's police; `officer`: the province officer, who
    accepts one and starts the province's; `admin`: writes for the other communes, which have no
    police account in the demo). Idempotent: None when already seeded, else the province's report."""
    load_national()
    definition = ReportDefinition.objects.get(node__isnull=True, code=SIX_MONTH)
    if Report.objects.filter(definition=definition, year=year, node=home_commune).exists():
        return None
    others = list(
        OrgNode.objects.filter(parent=province, kind=NodeKind.COMMUNE, valid_to__isnull=True)
        .exclude(pk=home_commune.pk)
        .order_by("path")[: len(SENT_ON) - 1]
    )
    tz = timezone.get_current_timezone()
    sent = []
    for index, commune in enumerate([home_commune, *others]):
        day, hour = SENT_ON[index]
        writer = police if commune == home_commune else admin
        sent.append(_send(writer, commune, definition, year, dt.datetime(year, 7, day, hour, tzinfo=tz)))
    if len(sent) > 1:
        services.report_accept(
            by=officer, scope=Scope.for_user(officer), report=sent[1], expected_version=sent[1].version
        )
    return services.report_start(
        by=officer, scope=Scope.for_user(officer), definition=definition, year=year, node=province
    )
