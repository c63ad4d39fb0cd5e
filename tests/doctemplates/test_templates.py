"""Template files: the defaults, `wording`, checked uploads per province, history and revert, screens."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.decisions import builders
from antq.doctemplates import files
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.models import DocumentTemplate
from antq.doctemplates.services import template_revert, template_upload, wording
from tests.decisions.helpers import cycle_row, decision_row

pytestmark = pytest.mark.django_db

REPORT = {"title": "Báo cáo sơ kết 6 tháng", "period": "6 tháng đầu năm 2026", "node": "phường Quy Nhơn"}


def replaced(kind: str, old: str, new: str) -> bytes:
    text = files.default_text(kind)
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_every_default_file_is_valid_and_fills_without_dollar_signs(kind: str) -> None:
    checked = files.parse(kind, files.default_text(kind))
    assert checked.placeholders
    filled = wording(kind, None, dict.fromkeys(checked.placeholders, "X"))
    assert "$" not in repr(filled)


def test_wording_fills_the_placeholders_and_leaves_missing_ones_empty(tree) -> None:
    fields = wording("periodic_report", tree.commune, REPORT)
    assert fields["subject"] == "Báo cáo sơ kết 6 tháng"
    assert fields["closing"].endswith("6 tháng đầu năm 2026 của Công an phường Quy Nhơn./.")
    assert fields["recipients"][0] == "Công an  (để báo cáo)"  # $parent not given


def test_an_upload_applies_to_its_province_and_not_another(tree, admin) -> None:
    template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="periodic_report",
        content=replaced("periodic_report", 'signer_title: "TRƯỞNG CÔNG AN"', 'signer_title: "PHÓ TRƯỞNG"'),
        by=admin,
    )
    assert wording("periodic_report", tree.unit, REPORT)["signer_title"] == "PHÓ TRƯỞNG"
    assert wording("periodic_report", tree.province, REPORT)["signer_title"] == "PHÓ TRƯỞNG"
    assert wording("periodic_report", tree.other_commune, REPORT)["signer_title"] == "TRƯỞNG CÔNG AN"


def test_a_provinces_decision_template_changes_its_decisions_only(tree, admin) -> None:
    mine = decision_row(admin, cycle_row(tree.province), tree.commune, nodes=[tree.unit])
    other = decision_row(admin, cycle_row(tree.other_province), tree.other_commune, nodes=[tree.other_unit])
    before = builders.official_document(mine)
    assert before.articles[1] == "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
    template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="recognition_decision",
        content=replaced(
            "recognition_decision",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.",
        ),
        by=admin,
    )
    assert builders.official_document(mine).articles[1].endswith("kể từ ngày ký ban hành.")
    assert (
        builders.official_document(other).articles[1] == "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (replaced("score_sheet", "$unit tự chấm", "$don_vi tự chấm"), "trường «lead_in»: chỗ điền «$don_vi»"),
        (replaced("score_sheet", '  total_row: "Tổng cộng"\n', ""), "Trường «total_row»: thiếu trong tệp"),
        (
            replaced("score_sheet", '  total_row: "Tổng cộng"', '  total_row: ["Tổng"]'),
            "trường «total_row»: phải là",
        ),
        (replaced("score_sheet", "symbol: ", "sumbol: "), "trường «sumbol»: không có trong mẫu"),
        (
            replaced("score_sheet", 'classification: "Xếp loại', 'classification: "Giá $ Xếp loại'),
            "dấu «$» dùng sai",
        ),
        (replaced("score_sheet", "kind: score_sheet", "kind: periodic_report"), "Trường «kind»"),
        (b"fields: [mo ngoac", "Dòng 1, cột 18: sai cú pháp YAML"),
        (b"chi: la van ban", "mục «fields»"),
        ("tên".encode("utf-16"), "UTF-8"),
        (b"#" * (files.MAX_BYTES + 1), "quá lớn"),
    ],
)
def test_an_invalid_upload_is_refused_naming_the_problem(tree, admin, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        template_upload(
            scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", content=content, by=admin
        )
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert not DocumentTemplate.objects.exists()


def test_a_yaml_syntax_error_is_told_in_vietnamese_with_line_and_column(tree, admin) -> None:
    content = b'kind: score_sheet\nfields:\n  symbol: "QD"\n  columns: ["STT", Ten: 1: 2]\n'
    with pytest.raises(ValidationError) as caught:
        template_upload(
            scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", content=content, by=admin
        )
    assert caught.value.messages == [
        "Dòng 4, cột 26: sai cú pháp YAML (thiếu dấu phẩy, ngoặc hoặc dấu hai chấm)."
    ]


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_the_default_files_open_with_vietnamese_comments(kind: str) -> None:
    comments = [line for line in files.default_text(kind).splitlines() if line.lstrip().startswith("#")]
    assert comments
    for english in (" the ", " of the ", "Keep every", "Wording"):
        assert not any(english in line for line in comments), kind


def test_the_error_names_the_line(tree, admin) -> None:
    content = replaced("score_sheet", "$level.", "$muc.")
    line = next(i for i, text in enumerate(content.decode().splitlines(), 1) if "$muc" in text)
    with pytest.raises(ValidationError) as caught:
        template_upload(
            scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", content=content, by=admin
        )
    assert caught.value.messages[0].startswith(f"Dòng {line}, trường «classification»")


def test_uploads_keep_their_history_and_revert_restores_the_default(tree, admin) -> None:
    first = template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="score_sheet",
        content=replaced("score_sheet", 'total_row: "Tổng cộng"', 'total_row: "Cộng"'),
        by=admin,
    )
    second = template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="score_sheet",
        content=replaced("score_sheet", 'total_row: "Tổng cộng"', 'total_row: "Tổng số"'),
        by=admin,
    )
    first.refresh_from_db()
    assert (first.is_active, first.replaced_by_id, second.number) == (False, second.pk, 2)
    assert wording("score_sheet", tree.commune, {})["total_row"] == "Tổng số"
    assert (
        template_revert(scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", by=admin)
        == second
    )
    assert wording("score_sheet", tree.commune, {})["total_row"] == "Tổng cộng"
    assert DocumentTemplate.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="doctemplates.documenttemplate").count() == 3
    assert (
        template_revert(scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", by=admin)
        is None
    )


def test_the_screens_list_upload_download_and_revert(
    client, tree, admin, django_assert_max_num_queries
) -> None:
    client.force_login(admin)
    assert tree.province.name in client.get(reverse("doctemplates:list")).content.decode()
    page = reverse("doctemplates:province", kwargs={"province": tree.province.pk})
    with django_assert_max_num_queries(12):
        assert client.get(page).status_code == 200
    kwargs = {"province": tree.province.pk, "kind": "score_sheet"}
    upload = reverse("doctemplates:upload", kwargs=kwargs)
    bad = SimpleUploadedFile("mau.yaml", replaced("score_sheet", "$unit tự chấm", "$abc tự chấm"))
    refused = client.post(upload, {"file": bad})
    assert refused.status_code == 200
    assert "chỗ điền «$abc» không được khai báo" in refused.content.decode()
    good = SimpleUploadedFile(
        "mau.yaml", replaced("score_sheet", 'total_row: "Tổng cộng"', 'total_row: "Cộng"')
    )
    assert client.post(upload, {"file": good}).status_code == 302
    current = client.get(reverse("doctemplates:current", kwargs=kwargs))
    assert 'total_row: "Cộng"' in current.content.decode()
    default = client.get(reverse("doctemplates:default", kwargs=kwargs))
    assert 'total_row: "Tổng cộng"' in default.content.decode()
    history = client.get(reverse("doctemplates:history", kwargs=kwargs)).content.decode()
    assert "Đang áp dụng" in history
    assert client.post(reverse("doctemplates:revert", kwargs=kwargs)).status_code == 302
    assert not DocumentTemplate.objects.filter(is_active=True).exists()


def test_the_list_shows_only_provinces_in_force(client, tree, admin) -> None:
    import datetime as dt

    from tests.factories import node

    merged = node("province", tree.province.name, "OLD-" + tree.province.code, valid_to=dt.date(2025, 7, 1))
    client.force_login(admin)
    page = client.get(reverse("doctemplates:list")).content.decode()
    assert page.count(f'"{reverse("doctemplates:province", kwargs={"province": tree.province.pk})}"') == 1
    assert reverse("doctemplates:province", kwargs={"province": merged.pk}) + '"' not in page


def test_a_province_officer_may_not_replace_templates(client, tree, province_officer) -> None:
    client.force_login(province_officer)
    assert client.get(reverse("doctemplates:list")).status_code == 403
    page = reverse("doctemplates:province", kwargs={"province": tree.province.pk})
    assert client.get(page).status_code == 403
    assert (
        client.get(reverse("doctemplates:province", kwargs={"province": tree.other_province.pk})).status_code
        == 404
    )


def laughs(levels: int = 9) -> bytes:
    """Nested aliases: a few hundred bytes that would expand to 10⁹ strings when loaded."""
    lines = ['l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    lines.append(f"fields:\n  subject: *l{levels}")
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (laughs(), "Dòng 1: tệp mẫu không được dùng neo «&» hay tham chiếu «*»"),
        (b"fields:\n  <<: {subject: x}\n", "Dòng 2: tệp mẫu không được dùng khóa gộp «<<»"),
        (b"fields: " + b"[" * 30000 + b"]" * 30000, "lồng nhau quá sâu"),
        (b"fields:\n" + b"".join(b"  " * i + b"k%d:\n" % i for i in range(1, 30)), "lồng nhau quá sâu"),
        (b"fields: [" + b"x, " * 6000 + b"x]", "quá nhiều mục"),
    ],
)
def test_a_hostile_yaml_upload_is_refused_at_once(tree, admin, content: bytes, message: str) -> None:
    assert len(content) <= files.MAX_BYTES
    with pytest.raises(ValidationError) as caught:
        template_upload(
            scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", content=content, by=admin
        )
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert not DocumentTemplate.objects.exists()


def test_a_recursion_error_becomes_a_validation_message(monkeypatch) -> None:
    def too_deep(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError

    files.default_file("score_sheet")  # read before the loader breaks
    monkeypatch.setattr(files.yaml, "safe_load", too_deep)
    with pytest.raises(ValidationError) as caught:
        files.parse("score_sheet", "fields: {}\n")
    assert caught.value.messages == ["Tệp mẫu lồng nhau quá sâu."]


def test_the_services_check_the_permission_themselves(tree, admin, province_officer) -> None:
    content = replaced("score_sheet", 'total_row: "Tổng cộng"', 'total_row: "Cộng"')
    with pytest.raises(PermissionDenied):
        template_upload(
            scope=Scope.for_user(province_officer),
            province=tree.province,
            kind="score_sheet",
            content=content,
            by=province_officer,
        )
    template_upload(
        scope=Scope.for_user(admin), province=tree.province, kind="score_sheet", content=content, by=admin
    )
    with pytest.raises(PermissionDenied):
        template_revert(
            scope=Scope.for_user(province_officer), province=tree.province, kind="score_sheet", by=admin
        )
    assert DocumentTemplate.objects.get().is_active
