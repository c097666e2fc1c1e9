"""`creditdesk import customers FILE --as USERNAME [--partial] [--dry-run] [--report OUT.xlsx|.csv]`

批量导入 on the command line, by the same rules as the page (``importing.customer_import``), as the
named customer manager or team lead. Counts go to stdout; each problem is one line on stderr
(``第 12 行	证件号码	…``). Exit status 0 when saved (or, with --dry-run, when every row passed),
1 when refused: a problem in an all-or-nothing import, a refused file or an unknown user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError
from creditdesk.customers import importing


class Command(BaseCommand):
    help = "批量导入客户（.xlsx 或 CSV）：全部或全无，--partial 只导入通过校验的行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["customers"], help="what to import: customers")
        parser.add_argument("file", help=".xlsx or .csv file")
        parser.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="importing CM")
        parser.add_argument("--partial", action="store_true", help="save the valid rows, report the rest")
        parser.add_argument("--dry-run", action="store_true", help="validate only, save nothing")
        parser.add_argument("--report", metavar="OUT", help="write the validation report (.xlsx or .csv)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="column mapping, e.g. 客户全称=name (repeatable; FIELD empty to ignore a column)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["as_user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{options['as_user']}”不存在或已停用。", returncode=1)
        mapping = dict(spec.partition("=")[::2] for spec in options["map"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}", returncode=1)
        try:
            result = importing.customer_import(
                actor=user, file=path, partial=options["partial"], dry_run=options["dry_run"], mapping=mapping
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        for problem in result.problems:
            self.stderr.write(f"第 {problem.row} 行\t{problem.column or '-'}\t{problem.message}")
        if options["report"]:
            out = Path(options["report"])
            report = (
                importing.import_report_csv(result)
                if out.suffix.lower() == ".csv"
                else importing.import_report_workbook(result)
            )
            out.write_bytes(report)
        self.stdout.write(
            f"数据行 {result.rows}；通过校验 {result.valid}；有问题的行 {result.invalid_rows}；"
            f"跳过的空行 {len(result.skipped_empty)}；已导入 {result.created}"
        )
        if result.dry_run:
            if result.problems:
                raise CommandError("校验未通过（只校验，未导入）。", returncode=1)
            return
        if not result.saved:
            reason = "有问题的行，全部或全无：未导入任何客户。" if result.problems else "没有可导入的数据行。"
            raise CommandError(reason, returncode=1)
