"""`antq load_frameworks`: validate everything first, write all or nothing, idempotent, versioned."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from antq.audit.models import AuditEvent
from antq.criteria.engine import load_framework
from antq.criteria.engine.library import DATA_DIR
from antq.criteria.models import Framework, FrameworkVersion, FrozenVersionError
from antq.criteria.services import framework_version_freeze

pytestmark = pytest.mark.django_db

TT124 = "tt124/2021.1.yaml"
SHEET = "qd510/cq-dn-csgd.2023.1.yaml"


def run(directory: Path | None = None) -> str:
    out = StringIO()
    call_command("load_frameworks", *([str(directory)] if directory else []), stdout=out)
    return out.getvalue()


def fail(directory: Path) -> str:
    with pytest.raises(CommandError) as exc:
        run(directory)
    assert exc.value.returncode == 1
    return str(exc.value)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the packaged data."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, **changes: object) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc.update(changes)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_loads_the_packaged_data_then_changes_nothing() -> None:
    out = run()
    assert "2 phiên bản mới" in out
    assert set(Framework.objects.values_list("code", "kind")) == {
        ("tt124", "tt124"),
        ("qd510-cq-dn-csgd", "qd510"),
    }
    tt124 = FrameworkVersion.objects.get(framework__code="tt124")
    assert (tt124.label, tt124.source, tt124.province, tt124.frozen) == ("2021.1", TT124, None, False)
    assert tt124.verified is True and str(tt124.effective_from) == "2022-02-10"
    assert len(tt124.content_hash) == 64
    assert load_framework(tt124.content).version == "2021.1"  # the stored JSON is what the engine reads
    sheet = FrameworkVersion.objects.get(framework__code="qd510-cq-dn-csgd")
    assert sheet.content["classification"]["verified"] is False
    events = AuditEvent.objects.count()
    assert events == 2

    again = run()
    assert "0 phiên bản mới, 0 cập nhật, 2 không đổi" in again
    assert FrameworkVersion.objects.count() == 2
    assert AuditEvent.objects.count() == events
    assert FrameworkVersion.objects.get(pk=tt124.pk).updated_at == tt124.updated_at


def test_every_problem_of_every_file_in_one_report_and_nothing_written(data: Path) -> None:
    # One file the YAML parser refuses, one with two engine problems, one broken sheet; the other
    # files are fine and must not be loaded either.
    (data / "tt124" / "broken.yaml").write_text("framework: tt124\nversion: [unclosed\n", encoding="utf-8")
    bad = data / "tt124" / "2022.1.yaml"
    shutil.copy(data / TT124, bad)
    doc = yaml.safe_load(bad.read_text(encoding="utf-8"))
    doc["version"] = "2022.1"
    doc["criteria_sets"]["khu_dan_cu"]["criteria"][4]["checks"][1]["op"] = "~="
    doc["unit_types"]["school"]["window"] = "hoc_ky"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sheet = data / "qd510" / "other.2024.1.yaml"
    shutil.copy(data / SHEET, sheet)
    edit(sheet, version="2024.1", total_max=90)

    report = fail(data)

    assert "tt124/broken.yaml: (gốc): không đọc được tệp YAML" in report
    assert "tt124/2022.1.yaml: criteria_sets.khu_dan_cu.criteria[4].checks[1].op: phép so sánh" in report
    assert "tt124/2022.1.yaml: unit_types.school.window: kỳ đánh giá không tồn tại: 'hoc_ky'" in report
    assert (
        "qd510/other.2024.1.yaml: total_max: tổng điểm tối đa các mục là 100, khác total_max = 90" in report
    )
    assert "Bộ tiêu chí không hợp lệ (4 lỗi)" in report
    assert Framework.objects.count() == 0
    assert FrameworkVersion.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_two_files_with_the_same_version_are_refused(data: Path) -> None:
    shutil.copy(data / TT124, data / "tt124" / "copy.yaml")
    report = fail(data)
    assert "tt124/copy.yaml: version: phiên bản tt124 2021.1 đã có trong tệp tt124/2021.1.yaml" in report
    assert FrameworkVersion.objects.count() == 0


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    assert "không có tệp *.yaml nào" in fail(tmp_path)


def test_changed_content_with_a_new_version_adds_a_version(data: Path) -> None:
    run(data)
    first = FrameworkVersion.objects.get(framework__code="tt124")
    new = data / "tt124" / "2021.2.yaml"
    shutil.copy(data / TT124, new)
    edit(new, version="2021.2", title_vi="Tiêu chuẩn ATANTT (bản sửa)")

    out = run(data)

    assert "+ tt124 2021.2" in out and "1 phiên bản mới, 0 cập nhật, 2 không đổi" in out
    versions = FrameworkVersion.objects.filter(framework__code="tt124").order_by("id")
    assert [v.label for v in versions] == ["2021.1", "2021.2"]
    assert versions[0].content_hash == first.content_hash  # the old version is untouched
    assert versions[1].content_hash != first.content_hash
    assert Framework.objects.get(code="tt124").title == "Tiêu chuẩn ATANTT (bản sửa)"


def test_same_version_changed_is_refused_without_replace_draft(data: Path) -> None:
    run(data)
    before = FrameworkVersion.objects.get(framework__code="tt124")
    edit(data / TT124, effective_from="2022-03-01")
    events = AuditEvent.objects.count()

    report = fail(data)

    assert "tt124/2021.1.yaml: version: phiên bản tt124 2021.1 đã có trong cơ sở dữ liệu" in report
    assert "với nội dung khác" in report
    assert "hãy tăng số phiên bản" in report and "--replace-draft" in report
    assert FrameworkVersion.objects.get(pk=before.pk).content_hash == before.content_hash
    assert AuditEvent.objects.count() == events


def test_same_version_changed_with_replace_draft_updates_a_version_not_yet_frozen_in_place(
    data: Path,
) -> None:
    run(data)
    before = FrameworkVersion.objects.get(framework__code="tt124")
    edit(data / TT124, effective_from="2022-03-01")

    out = StringIO()
    call_command("load_frameworks", str(data), "--replace-draft", stdout=out)

    assert "~ tt124 2021.1" in out.getvalue() and "0 phiên bản mới, 1 cập nhật" in out.getvalue()
    after = FrameworkVersion.objects.get(pk=before.pk)
    assert str(after.effective_from) == "2022-03-01" and after.content_hash != before.content_hash
    event = AuditEvent.objects.filter(object_id=str(before.pk)).order_by("id").last()
    assert event is not None
    assert event.changes["content_hash"] == [before.content_hash, after.content_hash]
    assert event.changes["keys_changed"] == ["effective_from"]
    assert "--replace-draft" in event.reason


def test_replace_draft_never_overwrites_a_frozen_version(data: Path) -> None:
    run(data)
    frozen = framework_version_freeze(FrameworkVersion.objects.get(framework__code="tt124"))
    edit(data / TT124, effective_from="2022-03-01")
    with pytest.raises(CommandError) as exc:
        call_command("load_frameworks", str(data), "--replace-draft", stdout=StringIO())
    assert "đã bị khóa" in str(exc.value)
    assert FrameworkVersion.objects.get(pk=frozen.pk).content_hash == frozen.content_hash


def test_a_sheet_linking_an_unknown_incident_type_is_refused_before_writing(data: Path) -> None:
    doc = yaml.safe_load((data / SHEET).read_text(encoding="utf-8"))
    item = next(i for i in doc["items"] if i["id"] == "QD510.CQ.5")
    sub = next(s for s in item["sub_items"] if s.get("linked_incidents"))
    sub["linked_incidents"] = ["INC_NOT_IN_TT124"]
    (data / SHEET).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    report = fail(data)

    assert f"{SHEET}: QD510.CQ.5: loại sự việc liên kết không tồn tại: 'INC_NOT_IN_TT124'" in report
    assert FrameworkVersion.objects.count() == 0 and Framework.objects.count() == 0


def test_same_version_changed_is_refused_when_frozen_and_nothing_is_written(data: Path) -> None:
    run(data)
    frozen = framework_version_freeze(FrameworkVersion.objects.get(framework__code="tt124"))
    edit(data / TT124, effective_from="2022-03-01")
    new_sheet = data / "qd510" / "cq-dn-csgd.2024.1.yaml"
    shutil.copy(data / SHEET, new_sheet)
    edit(new_sheet, version="2024.1")  # valid on its own, but the run is all or nothing
    events = AuditEvent.objects.count()

    report = fail(data)

    assert "tt124/2021.1.yaml: version: phiên bản tt124 2021.1 đã bị khóa" in report
    assert "hãy tăng số phiên bản" in report
    assert FrameworkVersion.objects.get(pk=frozen.pk).content_hash == frozen.content_hash
    assert FrameworkVersion.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_the_model_refuses_to_change_or_unfreeze_a_frozen_version() -> None:
    run()
    version = framework_version_freeze(FrameworkVersion.objects.get(framework__code="tt124"))
    version.content = {**version.content, "title_vi": "Khác"}
    with pytest.raises(FrozenVersionError):
        version.save()
    version = FrameworkVersion.objects.get(pk=version.pk)
    version.frozen = False
    with pytest.raises(FrozenVersionError):
        version.save()
    version.frozen = True
    version.source = "tt124/2021.1.yaml (ghi chú)"
    with pytest.raises(FrozenVersionError):
        version.save()  # nothing but `frozen` is left out of the comparison
