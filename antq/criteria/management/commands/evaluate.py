"""`antq evaluate FILE.json` (or `-` for stdin): print the evaluation result as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from antq.criteria.engine import FactsError, FrameworkError, evaluate_document
from antq.criteria.engine.cli import read_input


class Command(BaseCommand):
    help = "Đánh giá một phiếu dữ kiện (TT 124, QĐ 510) và in kết quả dạng JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp JSON phiếu dữ kiện, hoặc - để đọc từ stdin")

    stdin = sys.stdin  # replaced in tests

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            document = read_input(name, self.stdin)
            result = evaluate_document(document)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {name}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}"
            ) from exc
        except (FactsError, FrameworkError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
