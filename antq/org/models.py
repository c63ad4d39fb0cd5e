"""The administrative tree and the unit registry.

One table holds every node: the nation, provinces, (historical) districts, communes and the
assessed units under them. "Everything under this node" is the hot path of every screen, so each
node stores a materialized path of fixed-width digit segments: a subtree is one range scan on an
indexed column, identical on SQLite and PostgreSQL and independent of the database collation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.core.text import fold
from antq.org.choices import (
    ADMIN_KINDS,
    UNIT_KINDS,
    EducationLevel,
    EnterpriseSize,
    LineageKind,
    ManagingAuthority,
    NodeKind,
)

SEGMENT_WIDTH = 6
MAX_CHILDREN = 10**SEGMENT_WIDTH - 2  # keeps `subtree_upper_bound` within the same width


def subtree_upper_bound(path: str) -> str:
    """The smallest path that sorts after every path starting with `path` (same width)."""
    head, last = path[:-SEGMENT_WIDTH], int(path[-SEGMENT_WIDTH:])
    return f"{head}{last + 1:0{SEGMENT_WIDTH}d}"


def subtree_q(path: str, *, field: str = "path") -> Q:
    """Q for the node at `path` and all its descendants: one indexed range scan."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": subtree_upper_bound(path)})


class OrgNodeQuerySet(models.QuerySet["OrgNode"]):
    def in_subtree(self, node: OrgNode) -> OrgNodeQuerySet:
        return self.filter(subtree_q(node.path))

    def units(self) -> OrgNodeQuerySet:
        return self.filter(kind__in=UNIT_KINDS)

    def admin_levels(self) -> OrgNodeQuerySet:
        return self.filter(kind__in=ADMIN_KINDS)

    def current(self) -> OrgNodeQuerySet:
        """Nodes in force today (not ended by a reform or a merger)."""
        return self.filter(valid_to__isnull=True)

    def search(self, tokens: list[str]) -> OrgNodeQuerySet:
        """Accent-insensitive search: every folded token must appear in the search key."""
        qs = self
        for token in tokens:
            qs = qs.filter(search_text__contains=token)
        return qs


class OrgNode(TimeStampedModel):
    """A node of the administrative tree; the assessed units are its leaves and carry registry data."""

    kind = models.CharField(_("loại"), max_length=20, choices=NodeKind.choices)
    name = models.CharField(_("tên chính thức"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    code = models.CharField(_("mã"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=120, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    # Next free child segment; bumped under a row lock so concurrent inserts never collide.
    child_counter = models.PositiveIntegerField(default=0, editable=False)
    division = models.CharField(_("loại đơn vị hành chính"), max_length=60, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Folded name + short name + code, so that "phuong tan phu" finds "Phường Tân Phú".
    search_text = models.CharField(max_length=500, editable=False, default="")

    # --- Registry attributes of assessed units (blank on administrative levels) ----------------
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    managing_authority = models.CharField(
        _("cấp quản lý"), max_length=20, choices=ManagingAuthority.choices, blank=True
    )
    enterprise_size = models.CharField(
        _("quy mô doanh nghiệp"), max_length=10, choices=EnterpriseSize.choices, blank=True
    )
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    education_level = models.CharField(
        _("cấp học"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    is_armed_forces = models.BooleanField(_("thuộc lực lượng vũ trang"), default=False)
    people_count = models.PositiveIntegerField(
        _("số hộ gia đình / số cán bộ, người lao động"), null=True, blank=True
    )
    subunit_count = models.PositiveIntegerField(
        _("số đầu mối trực thuộc (phòng, ban, tổ, đội)"), null=True, blank=True
    )
    contact_name = models.CharField(_("người liên hệ"), max_length=120, blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=30, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    # Blank when eligible; otherwise the code of the TT 124 exclusion rule that applies.
    exclusion_code = models.CharField(_("lý do không thuộc diện"), max_length=40, blank=True)

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        indexes = [
            # Unit list: filter by kind inside a subtree, ordered by folded name (keyset pages).
            models.Index(fields=["kind", "search_text", "id"], name="org_node_kind_search"),
            # Unit list without a kind filter: ordered by folded name within scope.
            models.Index(fields=["search_text", "id"], name="org_node_search_order"),
            # Children of a commune (tree browser, breadcrumb switcher).
            models.Index(fields=["parent", "kind"], name="org_node_parent_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in NodeKind]), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="%(app_label)s_%(class)s_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit(self) -> bool:
        return self.kind in UNIT_KINDS

    @property
    def is_eligible(self) -> bool:
        return not self.exclusion_code

    def clean(self) -> None:
        # TT 124's exclusions depend on these attributes, so the registry cannot leave them blank.
        errors = {}
        if self.kind == NodeKind.ENTERPRISE and not self.enterprise_size:
            errors["enterprise_size"] = _("Vui lòng chọn quy mô doanh nghiệp.")
        if self.kind == NodeKind.SCHOOL and not self.education_level:
            errors["education_level"] = _("Vui lòng chọn cấp học.")
        if errors:
            raise ValidationError(errors)

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(filter(None, [self.name, self.short_name, self.code])))[:500]

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first (used to build the breadcrumb in one query)."""
        return [self.path[:end] for end in range(SEGMENT_WIDTH, len(self.path), SEGMENT_WIDTH)]

    def is_descendant_of(self, other: OrgNode) -> bool:
        return self.path.startswith(other.path)

    def snapshot(self) -> dict[str, Any]:
        """Field values for the audit log's old → new comparison."""
        return {f.name: _plain(getattr(self, f.attname)) for f in AUDITED_FIELDS}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


AUDITED_FIELDS = [
    f
    for f in OrgNode._meta.concrete_fields
    if f.name
    not in {"id", "path", "depth", "child_counter", "search_text", "created_at", "updated_at", "version"}
]


class NodeLineage(models.Model):
    """History across reforms: this node was merged into / split into / transferred to that node."""

    source = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="lineage_out")
    target = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="lineage_in")
    kind = models.CharField(_("quan hệ"), max_length=20, choices=LineageKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lịch sử sắp xếp")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="%(app_label)s_%(class)s_unique_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"
