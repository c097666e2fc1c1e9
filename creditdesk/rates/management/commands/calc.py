"""`creditdesk calc`: the repayment calculator on the command line (same figures as the page and API).

    creditdesk calc --method equal_installment --principal 1000000 --rate 4.9 --months 360 \
        [--start 2026-01-20] [--fee 1000[:upfront|per_period|at_end]] [--json]
    creditdesk calc … --spread-bp -45 [--lpr-tenor auto|1y|5y] [--pricing-date …]       (LPR 加点)
    creditdesk calc … --pricing-mode provident [--home first|second] [--pricing-date …]  (公积金贷款利率)
    creditdesk calc … --prepay 200000 --prepay-date 2027-01-20 --keep term|payment
    creditdesk calc --combo --provident 600000:300 --commercial 400000:360 --spread-bp -45 \
        [--home first|second] [--method …] [--pricing-date 2025-06-01] [--json]     (组合贷)

Bad input: exit status 2 and one line on stderr naming the field.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import D, format_rate, format_yuan
from creditdesk.rates import calculator, combination
from creditdesk.rates.calculator import PricingMode
from creditdesk.rates.selectors import lpr_table, provident_table


def _fee(spec: str) -> dict[str, str]:
    amount, _, when = spec.partition(":")
    return {"amount": amount, "when": when or "upfront"}


class Command(BaseCommand):
    help = "Repayment schedule, total interest and annualized rate (IRR) of a loan; --prepay for a what-if."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--method", help="equal_installment | equal_principal | interest_only | bullet (required)"
        )
        parser.add_argument("--principal", help="loan amount in yuan, e.g. 1000000 (required)")
        parser.add_argument(
            "--pricing-mode",
            help="fixed (--rate) | lpr (--spread-bp) | provident (公积金贷款利率, --home); default: by "
            "--rate / --spread-bp",
        )
        parser.add_argument("--rate", help="annual rate in percent, e.g. 4.9")
        parser.add_argument("--spread-bp", help="price as LPR + this many basis points instead of --rate")
        parser.add_argument("--lpr-tenor", default="auto", help="auto | 1y | 5y (with --spread-bp)")
        parser.add_argument(
            "--pricing-date", help="the LPR or 公积金 rate in force on this date (default today)"
        )
        parser.add_argument("--months", help="term in months (1–600) (required)")
        parser.add_argument("--frequency", default="monthly", help="monthly | quarterly")
        parser.add_argument("--start", help="drawdown date YYYY-MM-DD (default today)")
        parser.add_argument("--first-due", help="first due date, for a broken first period")
        parser.add_argument(
            "--fee",
            action="append",
            default=[],
            metavar="AMOUNT[:WHEN]",
            help="a fee; WHEN upfront (default), per_period or at_end; repeatable",
        )
        parser.add_argument("--prepay", help="prepayment amount for the what-if")
        parser.add_argument("--prepay-date", help="prepayment date YYYY-MM-DD")
        parser.add_argument(
            "--keep", default="term", help="after a partial prepayment keep the term or payment"
        )
        parser.add_argument("--penalty-percent", help="prepayment penalty, %% of the prepaid principal")
        parser.add_argument("--penalty-months", help="prepayment penalty, months of interest")
        parser.add_argument("--penalty-waived-after", help="no penalty after this many months")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument(
            "--combo", action="store_true", help="组合贷: --provident and --commercial instead of --principal"
        )
        parser.add_argument("--provident", metavar="AMOUNT:MONTHS", help="the 公积金 part (with --combo)")
        parser.add_argument(
            "--commercial", metavar="AMOUNT:MONTHS", help="the commercial part (with --combo)"
        )
        parser.add_argument(
            "--home", help="first (default) | second: 首套 / 二套 (with --combo or --pricing-mode provident)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["combo"]:
            self._combination(options)
            return
        missing = [f"--{name}" for name in ("method", "principal", "months") if options[name] is None]
        if missing:
            raise CommandError(f"缺少参数：{'、'.join(missing)}。")
        data: dict[str, Any] = {
            "method": options["method"],
            "principal": options["principal"],
            "pricing_mode": options["pricing_mode"],
            "annual_rate": options["rate"],
            "spread_bp": options["spread_bp"],
            "lpr_tenor": options["lpr_tenor"],
            "home_order": options["home"],
            "pricing_date": options["pricing_date"],
            "months": options["months"],
            "frequency": options["frequency"],
            "start_date": options["start"],
            "first_due_date": options["first_due"],
            "fees": [_fee(spec) for spec in options["fee"]],
        }
        if options["prepay"] is not None:
            data |= {
                "prepayment_amount": options["prepay"],
                "prepayment_date": options["prepay_date"] or "",
                "keep": options["keep"],
                "penalty": {
                    "percent_of_prepaid": options["penalty_percent"],
                    "months_of_interest": options["penalty_months"],
                    "waived_after_months": options["penalty_waived_after"],
                },
            }
        try:
            # Read a rate table only when the loan is priced on it (a fixed rate needs no database).
            provident = options["pricing_mode"] == PricingMode.PROVIDENT
            terms, pricing = calculator.parse_terms(
                data,
                lpr_table=lpr_table() if options["spread_bp"] else [],
                provident_table=provident_table() if provident else [],
                today=timezone.localdate(),
            )
            if options["prepay"] is not None:
                body = calculator.prepayment_json(calculator.prepayment(terms, data))
            else:
                body = calculator.quote_json(calculator.quote(terms, pricing))
        except DomainError as exc:
            _refused(exc)
        if options["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        elif options["prepay"] is not None:
            self.stdout.write(_prepayment_table(body))
        else:
            self.stdout.write(_quote_table(body))

    def _combination(self, options: dict[str, Any]) -> None:
        """组合贷 through ``rates.combination``: the same parsing and figures as the page and the API."""
        provident_amount, _, provident_months = (options["provident"] or "").partition(":")
        commercial_amount, _, commercial_months = (options["commercial"] or "").partition(":")
        data = {
            "home_order": options["home"],
            "provident_amount": provident_amount,
            "provident_months": provident_months,
            "commercial_amount": commercial_amount,
            "commercial_months": commercial_months,
            "spread_bp": options["spread_bp"],
            "method": options["method"],
            "start_date": options["start"],
            "pricing_date": options["pricing_date"],
        }
        try:
            result = combination.parse_combination(
                data,
                lpr_table=lpr_table(),
                provident_table=provident_table(),
                today=timezone.localdate(),
            )
        except DomainError as exc:
            _refused(exc)
        body = combination.combination_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_combination_table(body))


def _refused(exc: DomainError) -> NoReturn:
    """Bad input: one line on stderr naming the field, exit status 2."""
    field = exc.extra.get("field", "")
    sys.stderr.write(
        f"错误 [{exc.code}] {field}: {exc.message}\n" if field else f"错误 [{exc.code}] {exc.message}\n"
    )
    sys.exit(2)


def _combination_table(body: dict[str, Any]) -> str:
    names = {"provident": "公积金贷款", "commercial": "商业贷款"}
    lines = []
    for key, part in body["parts"].items():
        first = part["schedule"][0]["payment"]
        lines.append(
            f"{names[key]}：{_yuan(part['principal'])}，{len(part['schedule'])} 期，{part['rate_basis']}，"
            f"首期 {_yuan(first)}，利息 {_yuan(part['total_interest'])}"
        )
    lines += [
        f"合计：{_yuan(body['principal'])}，首月月供 {_yuan(body['first_payment'])}，"
        f"利息总额 {_yuan(body['total_interest'])}，还款总额 {_yuan(body['total_payment'])}",
        "",
        f"{'期次':>4} {'还款日':<10} {'公积金':>14} {'商业贷款':>14} {'合计':>14}",
    ]
    lines += [
        f"{r['period']:>6} {r['due_date']:<10} {_yuan(r['provident']):>17} {_yuan(r['commercial']):>16} "
        f"{_yuan(r['total']):>16}"
        for r in body["schedule"]
    ]
    return "\n".join(lines)


# The tables are for people: amounts and rates in the one format of pages and PDFs (core.money); --json
# keeps the API's exact decimal strings (percent with four places) for programs.


def _yuan(text: str) -> str:
    return format_yuan(D(text))


def _rate(percent_text: str) -> str:
    return format_rate(D(percent_text) / 100)


def _rows(schedule: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'期次':>4} {'还款日':<10} {'应还金额':>12} {'本金':>14} {'利息':>12} {'剩余本金':>16}"]
    lines += [
        f"{r['period']:>6} {r['due_date']:<10} {_yuan(r['payment']):>16} {_yuan(r['principal']):>16} "
        f"{_yuan(r['interest']):>14} {_yuan(r['balance']):>18}"
        for r in schedule
    ]
    return lines


def _quote_table(body: dict[str, Any]) -> str:
    head = [
        f"年化利率（IRR，复利）：{_rate(body['apr_compound'])}    单利：{_rate(body['apr_simple'])}",
        f"利息总额：{_yuan(body['total_interest'])}    还款总额：{_yuan(body['total_payment'])}",
    ]
    if "total_fees" in body:
        head.append(f"费用合计：{_yuan(body['total_fees'])}")
    if body.get("lpr") or body.get("provident"):
        head.append(f"合同年利率：{body['rate_basis']}")
    if body.get("provident"):
        head.append(body["provident"]["reset_note"])
    return "\n".join([*head, "", *_rows(body["schedule"])])


def _prepayment_table(body: dict[str, Any]) -> str:
    head = [
        f"提前还款：{_yuan(body['amount'])}（{body['date']}）{'，全部结清' if body['full'] else ''}",
        f"违约金：{_yuan(body['penalty'])}    应计利息：{_yuan(body['accrued_interest'])}",
        f"节省利息：{_yuan(body['interest_saved'])}",
    ]
    return "\n".join([*head, "", *_rows(body["new_schedule"])])
