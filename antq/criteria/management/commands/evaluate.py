"""`antq evaluate FILE.json [--province CODE]` (or `-` for stdin): print the evaluation result as JSON.

The framework versions are those stored in the database (`antq load_frameworks`), national or the
province's variants with `--province`; `python -m antq.criteria.engine` reads the YAML files instead.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.criteria.engine import FactsError, FrameworkError
from antq.criteria.engine.cli import UNCHECKED, InputError, read_input, unchecked_input
from antq.criteria.evaluation import FrameworksNotLoaded, evaluate_stored
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Đánh giá một phiếu dữ kiện (TT 124, QĐ 510) theo các bộ tiêu chí đã nạp vào cơ sở dữ liệu "
        "và in kết quả dạng JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp JSON phiếu dữ kiện, hoặc - để đọc từ stdin")
        parser.add_argument(
            "--province",
            metavar="MÃ",
            default=None,
            help="Mã tỉnh, thành phố: dùng biến thể bộ tiêu chí của tỉnh (mặc định: phiên bản quốc gia)",
        )

    stdin = sys.stdin  # replaced in tests

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        province = _province(options["province"]) if options["province"] else None
        try:
            document = read_input(name, self.stdin)
            try:
                result = evaluate_stored(document, province=province)
            except UNCHECKED as exc:
                logger.warning("evaluate: input not caught by the engine's checks", exc_info=True)
                raise unchecked_input(exc) from exc
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {name}: {exc.strerror or exc}") from exc
        except (InputError, FactsError, FrameworkError, FrameworksNotLoaded) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))


def _province(code: str) -> OrgNode:
    # A code is a short printable word; anything else (PostgreSQL refuses a NUL in a query) is no
    # province's code.
    if len(code) > 40 or not code.isprintable():
        raise CommandError("Mã tỉnh, thành phố không hợp lệ.")
    node = OrgNode.objects.filter(code=code.upper(), kind=NodeKind.PROVINCE).first()
    if node is None:
        raise CommandError(f"Không có tỉnh, thành phố nào mang mã {code!r}.")
    return node
