"""Writes to the evidence register: checks, storage, links, date warnings, versions, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.evidence import services
from antq.evidence.criteria import catalogue_for
from antq.evidence.models import DocType, EvidenceDocument, EvidenceLink
from antq.evidence.selectors import evidence_by_criterion, evidence_of_type, evidence_warnings
from antq.org.choices import NodeKind
from tests import factories as f
from tests.evidence import samples
from tests.evidence.samples import stored_files


@pytest.fixture
def agency(tree):  # type: ignore[no-untyped-def]
    return f.unit(tree.commune, "UBND phường Quy Nhơn", "X21583-CQ01", kind=NodeKind.AGENCY)


# --- Upload checks ---------------------------------------------------------------------------


def test_a_png_named_pdf_is_kept_as_png_under_a_random_name(tree, unit_officer, evidence_dir):
    document = samples.make(unit_officer, tree.unit, name="nghi-quyet.pdf", content=samples.png())
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")
    assert "nghi-quyet" not in document.file.name
    assert document.original_name == "nghi-quyet.pdf"
    assert document.size == len(samples.png())
    assert stored_files(evidence_dir) == [evidence_dir / document.file.name]
    assert (evidence_dir / document.file.name).read_bytes() == samples.png()


@pytest.mark.parametrize(
    ("build", "ext"),
    [(samples.docx, "docx"), (samples.xlsx, "xlsx"), (samples.jpeg, "jpg"), (lambda: samples.PDF, "pdf")],
    ids=["docx", "xlsx", "jpeg", "pdf"],
)
def test_office_documents_images_and_pdf_are_stored_with_their_detected_extension(
    tree, unit_officer, build, ext
):
    document = samples.make(unit_officer, tree.unit, name="tai-lieu", content=build())
    assert document.file.name.startswith("2026/")
    assert document.file.name.endswith(f".{ext}")


@pytest.mark.parametrize(
    "content",
    [samples.EXE, samples.HTML, samples.plain_zip(), samples.docm(), b""],
    ids=["exe", "html", "zip", "docm", "empty"],
)
def test_a_refused_file_leaves_no_row_and_no_file(tree, unit_officer, evidence_dir, content):
    with pytest.raises(ValidationError) as caught:
        samples.make(unit_officer, tree.unit, name="ke-hoach.pdf", content=content)
    assert "file" in caught.value.message_dict
    assert "ke-hoach.pdf" in caught.value.message_dict["file"][0]
    assert not EvidenceDocument.objects.exists()
    assert not AuditEvent.objects.filter(object_type="evidence.evidencedocument").exists()
    assert stored_files(evidence_dir) == []


def test_a_file_over_the_limit_is_refused_before_anything_is_written(
    tree, unit_officer, evidence_dir, settings
):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        samples.make(unit_officer, tree.unit, content=samples.PDF + b" " * 200)
    assert caught.value.message_dict["file"] == ["Tệp “nghi-quyet.pdf” lớn hơn giới hạn 100 byte."]
    assert not EvidenceDocument.objects.exists()
    assert stored_files(evidence_dir) == []


def test_invalid_metadata_leaves_no_file(tree, unit_officer, evidence_dir):
    with pytest.raises(ValidationError) as caught:
        samples.make(unit_officer, tree.unit, title="", doc_type="thu_tay")
    assert {"title", "doc_type"} <= set(caught.value.message_dict)
    assert stored_files(evidence_dir) == []


def test_a_failure_while_saving_the_row_removes_the_stored_file(
    tree, unit_officer, evidence_dir, monkeypatch
):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        samples.make(unit_officer, tree.unit)
    assert not EvidenceDocument.objects.exists()
    assert stored_files(evidence_dir) == []


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("../../../../etc/cron.d/x.pdf", "x.pdf"), ("..\\..\\boot.ini", "boot.ini"), ("..\\..", "tai-lieu")],
)
def test_path_traversal_names_are_only_labels(tree, unit_officer, evidence_dir, raw, kept):
    document = samples.make(unit_officer, tree.unit, name=raw)
    assert document.original_name == kept
    assert (evidence_dir / document.file.name).resolve().is_relative_to(evidence_dir.resolve())


def test_creation_is_audited_with_the_file_facts(tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    event = AuditEvent.objects.get(object_type="evidence.evidencedocument", object_id=str(document.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == unit_officer
    assert event.node_path == tree.unit.path
    assert event.changes["sha256"] == [None, document.sha256]
    assert event.changes["title"] == [None, document.title]


# --- Who may file ----------------------------------------------------------------------------


def test_a_unit_officer_cannot_file_for_another_unit(tree, unit_officer, evidence_dir):
    with pytest.raises(PermissionDenied):
        samples.make(unit_officer, tree.sibling_unit)
    assert stored_files(evidence_dir) == []


def test_an_inspector_cannot_file(tree, inspector):
    with pytest.raises(PermissionDenied):
        samples.make(inspector, tree.unit)


def test_the_commune_police_file_for_the_commune_own_dossier(tree, commune_police):
    document = samples.make(commune_police, tree.commune)
    assert document.node == tree.commune


def test_a_province_has_no_dossier(tree, province_officer):
    with pytest.raises(DomainError):
        samples.make(province_officer, tree.province)


# --- Criteria --------------------------------------------------------------------------------


def test_links_are_checked_against_the_criteria_of_the_unit_type(tree, unit_officer, frameworks):
    with pytest.raises(ValidationError) as caught:
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1", "TT124.CQDN.1", "QD510.CQ.1"))
    message = caught.value.message_dict["criterion_ids"][0]
    assert "TT124.CQDN.1" in message and "QD510.CQ.1" in message
    assert "TT124.KDC.1," not in message
    assert not EvidenceDocument.objects.exists()


def test_without_loaded_frameworks_no_link_is_possible(tree, unit_officer):
    with pytest.raises(ValidationError, match="Chưa có bộ tiêu chí"):
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))


def test_an_agency_links_tt124_criteria_sub_items_and_qd510_items(tree, agency, frameworks):
    officer = f.user_with_role("cq.canbo", "unit_officer", agency)
    ids = ("QD510.CQ.4.a", "TT124.CQDN.3.đ", "TT124.CQDN.1")
    document = samples.make(officer, agency, criterion_ids=ids)
    assert document.criterion_ids() == sorted(ids)


def test_the_catalogue_follows_the_unit_type(tree, agency, frameworks):
    kdc = catalogue_for(tree.unit, 2026)
    assert [s.framework for s in kdc.sections] == ["tt124"]  # no QĐ 510 sheet for residential areas
    assert "TT124.KDC.3.a" in kdc and "TT124.XA.1" not in kdc
    commune = catalogue_for(tree.commune, 2026)
    assert "TT124.XA.1" in commune and "TT124.XA.2.KDC.2" in commune
    agency_catalogue = catalogue_for(agency, 2026)
    assert [s.framework for s in agency_catalogue.sections] == ["tt124", "qd510-cq-dn-csgd"]
    assert "QD510.CQ.1" in agency_catalogue and "TT124.CQDN.5" in agency_catalogue
    school = catalogue_for(tree.school, 2026)
    assert "TT124.CSGD.3.đ" in school and "QD510.CQ.9" in school
    assert catalogue_for(tree.province, 2026).empty


def test_relinking_replaces_the_set_and_is_audited(tree, unit_officer, frameworks):
    scope = Scope.for_user(unit_officer)
    document = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    document = services.evidence_link(
        by=unit_officer,
        scope=scope,
        document=document,
        criterion_ids=["TT124.KDC.2", "TT124.KDC.5"],
        expected_version=1,
    )
    assert sorted(EvidenceLink.objects.values_list("criterion_id", flat=True)) == [
        "TT124.KDC.2",
        "TT124.KDC.5",
    ]
    assert document.version == 2
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.changes == {"criteria": [["TT124.KDC.1"], ["TT124.KDC.2", "TT124.KDC.5"]]}


def test_one_document_serves_several_criteria(tree, unit_officer, frameworks):
    shared = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1", "TT124.KDC.2"))
    other = samples.make(
        unit_officer, tree.unit, criterion_ids=("TT124.KDC.2",), doc_type=DocType.KE_HOACH, title="Kế hoạch"
    )
    by_criterion = evidence_by_criterion(node=tree.unit, year=2026)
    assert by_criterion["TT124.KDC.1"] == [shared]
    assert by_criterion["TT124.KDC.2"] == [shared, other]
    assert by_criterion["TT124.KDC.1"][0] is by_criterion["TT124.KDC.2"][0]


def test_unknown_ids_are_refused_when_relinking(tree, unit_officer, frameworks):
    document = samples.make(unit_officer, tree.unit)
    with pytest.raises(ValidationError, match="TT124.KDC.99"):
        services.evidence_link(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            document=document,
            criterion_ids=["TT124.KDC.99"],
            expected_version=1,
        )
    assert not EvidenceLink.objects.exists()


# --- Date rules from the data -----------------------------------------------------------------


def test_a_criterion_1_document_dated_after_q1_is_warned_not_refused(tree, unit_officer, frameworks):
    document = samples.make(
        unit_officer, tree.unit, issue_date=dt.date(2026, 4, 2), criterion_ids=("TT124.KDC.1", "TT124.KDC.2")
    )
    warnings = evidence_warnings(document)
    assert [w.message for w in warnings] == [
        "Tài liệu ngày 02/04/2026 ngoài Quý I năm 2026: tiêu chí TT124.KDC.1 yêu cầu thực hiện trong Quý I."
    ]
    assert warnings[0].criterion_ids == ("TT124.KDC.1",)


@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 3, 31)])
def test_a_criterion_1_document_dated_in_q1_has_no_warning(tree, unit_officer, frameworks, day):
    document = samples.make(unit_officer, tree.unit, issue_date=day, criterion_ids=("TT124.KDC.1",))
    assert evidence_warnings(document) == []


def test_q1_is_that_of_the_cycle_year(tree, unit_officer, frameworks):
    document = samples.make(
        unit_officer, tree.unit, year=2026, issue_date=dt.date(2025, 2, 1), criterion_ids=("TT124.KDC.1",)
    )
    assert "ngoài Quý I năm 2026" in evidence_warnings(document)[0].message


def test_criteria_without_a_date_rule_give_no_warning(tree, agency, frameworks):
    officer = f.user_with_role("cq.canbo", "unit_officer", agency)
    document = samples.make(
        officer, agency, issue_date=dt.date(2026, 9, 1), criterion_ids=("QD510.CQ.1", "TT124.CQDN.2")
    )
    assert evidence_warnings(document) == []


def test_the_date_rule_comes_from_the_data_a_local_criterion_gets_it_too(
    tree, admin, unit_officer, frameworks
):
    """A province variant adds a criterion whose check is `…_in_q1`: the rule follows the data."""
    from antq.criteria.models import FrameworkVersion
    from antq.criteria.services import framework_variant_add_criterion, framework_variant_create

    scope = Scope.for_user(admin)
    national = FrameworkVersion.objects.get(framework__code="tt124", province__isnull=True)
    variant = framework_variant_create(
        by=admin, scope=scope, base_version=national, province=tree.province, label="2021.1-gl"
    )
    framework_variant_add_criterion(
        by=admin,
        scope=scope,
        version=variant,
        criteria_set="khu_dan_cu",
        criterion={
            "id": "T52.KDC.1",
            "text_vi": "Quý I: ra mắt tổ tự quản",
            "checks": [{"key": "self_managed_team_in_q1", "type": "bool", "label_vi": "Ra mắt trong Quý I"}],
        },
    )
    document = samples.make(
        unit_officer, tree.unit, issue_date=dt.date(2026, 6, 1), criterion_ids=("T52.KDC.1",)
    )
    assert evidence_warnings(document)[0].criterion_ids == ("T52.KDC.1",)
    assert "T52.KDC.1" not in catalogue_for(tree.other_unit, 2026)


# --- Edits, versions, withdrawal -------------------------------------------------------------


def test_metadata_edit_is_audited_old_to_new(tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    document = services.evidence_update(
        by=unit_officer,
        scope=Scope.for_user(unit_officer),
        document=document,
        data={"number_symbol": "14-NQ/CB", "title": "Nghị quyết (sửa)"},
        expected_version=1,
    )
    assert (document.number_symbol, document.version) == ("14-NQ/CB", 2)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == {
        "number_symbol": ["13-NQ/CB", "14-NQ/CB"],
        "title": [samples.metadata()["title"], "Nghị quyết (sửa)"],
    }


def test_a_stale_version_is_a_concurrent_edit(tree, unit_officer, commune_police):
    document = samples.make(unit_officer, tree.unit)
    services.evidence_update(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        document=document,
        data={"issuer": "Ban công tác Mặt trận"},
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError):
        services.evidence_update(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            document=document,
            data={"issuer": "Chi bộ"},
            expected_version=1,
        )
    document.refresh_from_db()
    assert document.issuer == "Ban công tác Mặt trận"


def test_only_metadata_can_be_edited(tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    with pytest.raises(DomainError):
        services.evidence_update(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            document=document,
            data={"node": tree.sibling_unit, "sha256": "0" * 64},
            expected_version=1,
        )


def test_withdrawal_keeps_the_document_and_file_and_is_audited_with_the_reason(
    tree, unit_officer, evidence_dir
):
    document = samples.make(unit_officer, tree.unit)
    document = services.evidence_withdraw(
        by=unit_officer,
        scope=Scope.for_user(unit_officer),
        document=document,
        reason="Tải nhầm bản nháp",
        expected_version=1,
    )
    assert not document.is_active
    assert document.withdrawn_by == unit_officer and document.withdrawn_at is not None
    assert stored_files(evidence_dir) == [evidence_dir / document.file.name]
    event = AuditEvent.objects.get(action=AuditAction.DEACTIVATE)
    assert event.reason == "Tải nhầm bản nháp"
    assert event.changes == {"is_active": [True, False]}
    # Withdrawn documents no longer count for the cycle.
    assert list(evidence_of_type(node=tree.unit, year=2026, doc_type=DocType.NGHI_QUYET)) == []
    assert evidence_by_criterion(node=tree.unit, year=2026) == {}


def test_withdrawal_needs_a_reason_and_happens_once(tree, unit_officer):
    scope = Scope.for_user(unit_officer)
    document = samples.make(unit_officer, tree.unit)
    with pytest.raises(DomainError):
        services.evidence_withdraw(
            by=unit_officer, scope=scope, document=document, reason="  ", expected_version=1
        )
    services.evidence_withdraw(
        by=unit_officer, scope=scope, document=document, reason="Trùng", expected_version=1
    )
    with pytest.raises(DomainError):
        services.evidence_withdraw(
            by=unit_officer, scope=scope, document=document, reason="Lần nữa", expected_version=2
        )
    with pytest.raises(DomainError):
        services.evidence_update(
            by=unit_officer, scope=scope, document=document, data={"title": "x"}, expected_version=2
        )


def test_evidence_of_type_finds_the_resolution_of_the_year(tree, unit_officer):
    resolution = samples.make(unit_officer, tree.unit)
    samples.make(unit_officer, tree.unit, doc_type=DocType.KE_HOACH, title="Kế hoạch")
    samples.make(unit_officer, tree.unit, year=2025, issue_date=dt.date(2025, 1, 5))
    assert list(evidence_of_type(node=tree.unit, year=2026, doc_type=DocType.NGHI_QUYET)) == [resolution]
