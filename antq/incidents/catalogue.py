"""The TT 124 incident catalogue as stored in the database (never hard-coded here).

Which types exist, their Vietnamese labels and the excuses each accepts are data of the TT 124
framework versions that `antq load_frameworks` stored (and the province variants): read through the
criteria app's selectors and the engine's own parser, like every evaluation.
"""

from __future__ import annotations

import datetime as dt

from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import TT124Framework
from antq.criteria.evaluation import TT124_CODE
from antq.criteria.models import FrameworkVersion
from antq.criteria.selectors import active_version, engine_framework
from antq.org.models import OrgNode


def framework_on(node: OrgNode | None, on: dt.date) -> TT124Framework | None:
    """The TT 124 version in force on `on` where `node` is (its province's variant, else national).

    A date before the first version took effect (an incident of 16/11/2021 belongs to the 2022
    window, judged by the 2021.1 version in force at its end) falls back to the earliest version.
    None when no TT 124 version is stored.
    """
    version = active_version(TT124_CODE, node, on)
    if version is None:
        version = (
            FrameworkVersion.objects.filter(framework__code=TT124_CODE, province__isnull=True)
            .order_by("effective_from", "id")
            .first()
        )
    if version is None:
        return None
    framework = engine_framework(version)
    return framework if isinstance(framework, TT124Framework) else None


def type_choices(framework: TT124Framework | None) -> list[tuple[str, str]]:
    """(code, Vietnamese label) of every incident type of the version, in the catalogue's order."""
    if framework is None:
        return []
    return [(code, kind.label_vi) for code, kind in framework.incident_types.items()]


def type_labels() -> dict[str, str]:
    """Label of every incident type of any stored TT 124 version (the newest version's label wins).

    For lists that show incidents recorded under several versions: one query, a few versions."""
    labels: dict[str, str] = {}
    versions = FrameworkVersion.objects.filter(framework__code=TT124_CODE).order_by("effective_from", "id")
    for content in versions.values_list("content", flat=True):
        framework = load_framework(content)
        if isinstance(framework, TT124Framework):
            labels.update({code: kind.label_vi for code, kind in framework.incident_types.items()})
    return labels


def excused_types(framework: TT124Framework | None) -> dict[str, list[str]]:
    """For each excuse flag (`force_majeure`, `timely_handled`…), the labels of the types it excuses."""
    if framework is None:
        return {}
    return {
        flag: [kind.label_vi for kind in framework.incident_types.values() if flag in kind.excused_by]
        for flag in framework.excuse_flags
    }
