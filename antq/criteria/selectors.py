"""Reads of frameworks and versions: which version applies, and whether its thresholds are confirmed."""

from __future__ import annotations

import copy
import datetime as dt

from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import Framework as EngineFramework
from antq.criteria.models import FrameworkVersion
from antq.org.choices import NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode

MAX_DERIVATION_DEPTH = 20


def nation_node() -> OrgNode | None:
    """The root of the tree: national versions are managed (and audited) there."""
    return OrgNode.objects.filter(parent__isnull=True, kind=NodeKind.NATION).order_by("path").first()


def audit_node_path(version: FrameworkVersion | None) -> str:
    """Where a version's audit events are scoped: its province, or the nation for national ones."""
    if version is not None and version.province_id is not None:
        return version.province.path  # type: ignore[union-attr]
    nation = nation_node()
    return nation.path if nation is not None else ""


def national_base(version: FrameworkVersion) -> FrameworkVersion | None:
    """The national version a variant was (possibly indirectly) derived from."""
    current: FrameworkVersion | None = version
    for _step in range(MAX_DERIVATION_DEPTH):
        if current is None or current.province_id is None:
            return current
        current = current.derived_from
    return None


def active_version(
    framework_code: str, province: OrgNode | None, on_date: dt.date
) -> FrameworkVersion | None:
    """The version that applies in `province` (or any node under it) on `on_date`.

    The latest national version in force on that date, unless the province has a variant in force
    derived from that same national version: then the variant. A variant of an older national
    version gives way to a newer national one (the province derives again from the new one).
    """
    in_force = FrameworkVersion.objects.filter(
        framework__code=framework_code, effective_from__lte=on_date
    ).select_related("framework", "province")
    newest = ("-effective_from", "-created_at", "-id")
    national = in_force.filter(province__isnull=True).order_by(*newest).first()
    if province is None:
        return national
    paths = [province.path[:end] for end in range(SEGMENT_WIDTH, len(province.path) + 1, SEGMENT_WIDTH)]
    variant = in_force.filter(province__path__in=paths).order_by(*newest).first()
    if variant is None:
        return national
    if national is None:
        return variant
    base = national_base(variant)
    return variant if base is not None and base.pk == national.pk else national


def thresholds_verified(version: FrameworkVersion) -> bool:
    """Whether the version's classification thresholds are confirmed: by the file itself
    (`classification.verified: true`) or by a recorded confirmation. False when the version has no
    classification (TT 124): there is nothing to classify with."""
    classification = version.content.get("classification") if isinstance(version.content, dict) else None
    if not isinstance(classification, dict):
        return False
    if classification.get("verified") is True:
        return True
    return version.threshold_confirmations.exists()


def engine_framework(version: FrameworkVersion) -> EngineFramework:
    """The engine's framework for this version, with the thresholds marked verified once confirmed
    (so the engine stops calling the classification provisional)."""
    content = version.content
    classification = content.get("classification")
    if (
        isinstance(classification, dict)
        and not classification.get("verified")
        and thresholds_verified(version)
    ):
        content = copy.deepcopy(content)
        content["classification"]["verified"] = True
    return load_framework(content)
