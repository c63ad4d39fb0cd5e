"""A frozen version (used by a cycle) cannot change by any route: save, queryset update/delete,
bulk_update, instance delete."""

from __future__ import annotations

import pytest

from antq.criteria import loader
from antq.criteria.models import FrameworkVersion, FrozenVersionError
from antq.criteria.services import framework_version_freeze
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions() -> dict[str, FrameworkVersion]:
    loader.apply(loader.read_files())
    return {v.framework.code: v for v in FrameworkVersion.objects.select_related("framework")}


@pytest.fixture
def frozen(versions: dict[str, FrameworkVersion]) -> FrameworkVersion:
    return framework_version_freeze(versions["tt124"])


def test_queryset_update_of_a_frozen_row_is_refused(frozen: FrameworkVersion) -> None:
    with pytest.raises(FrozenVersionError, match="đã bị khóa"):
        FrameworkVersion.objects.filter(pk=frozen.pk).update(source="khác")
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.all().update(content={})
    assert FrameworkVersion.objects.get(pk=frozen.pk).source == frozen.source


def test_queryset_update_of_unfrozen_rows_and_refreezing_still_work(
    frozen: FrameworkVersion, versions: dict[str, FrameworkVersion]
) -> None:
    sheet = versions["qd510-cq-dn-csgd"]
    assert FrameworkVersion.objects.filter(pk=sheet.pk).update(source="ghi chú") == 1
    assert FrameworkVersion.objects.filter(pk=frozen.pk).update(frozen=True) == 1
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.filter(pk=frozen.pk).update(frozen=False)


def test_queryset_and_instance_delete_of_a_frozen_row_are_refused(frozen: FrameworkVersion) -> None:
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.filter(pk=frozen.pk).delete()
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.all().delete()
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.get(pk=frozen.pk).delete()
    assert FrameworkVersion.objects.filter(pk=frozen.pk).exists()


def test_unfrozen_versions_can_still_be_deleted(versions: dict[str, FrameworkVersion]) -> None:
    versions["qd510-cq-dn-csgd"].delete()
    assert not FrameworkVersion.objects.filter(framework__code="qd510-cq-dn-csgd").exists()


def test_bulk_update_touching_a_frozen_row_is_refused(
    frozen: FrameworkVersion, versions: dict[str, FrameworkVersion]
) -> None:
    rows = list(FrameworkVersion.objects.all())
    for row in rows:
        row.source = "khác"
    with pytest.raises(FrozenVersionError):
        FrameworkVersion.objects.bulk_update(rows, ["source"])
    sheet = FrameworkVersion.objects.get(pk=versions["qd510-cq-dn-csgd"].pk)
    sheet.source = "khác"
    assert FrameworkVersion.objects.bulk_update([sheet], ["source"]) == 1


def test_save_compares_every_field_but_frozen(frozen: FrameworkVersion, tree: Tree) -> None:
    for field, value in (("province", tree.province), ("source", "khác"), ("label", "2021.2")):
        version = FrameworkVersion.objects.get(pk=frozen.pk)
        setattr(version, field, value)
        with pytest.raises(FrozenVersionError):
            version.save()
    version = FrameworkVersion.objects.get(pk=frozen.pk)
    version.save()  # nothing changed: saving again is harmless
    assert FrameworkVersion.objects.get(pk=frozen.pk).province_id is None
