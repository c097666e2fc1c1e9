"""Demo loans (放款): the demo applications signed and cleared by the 放款审核 (``applications.seed`` leaves
three so) are paid out through ``loan_disburse`` by their CM, on the contract's value date — 自主支付 to
the borrower's own account below the product's 受托支付 threshold, 受托支付 to the counterparty (the car
dealer of a car loan, or anything above the threshold) — which books each loan with its schedule.

Before them, the demo history (``loans.seed_history``): thousands of loans booked over the past months and
serviced day by day by the real end-of-day batch, up to yesterday. History first, so that the business
date is already today when today's loans are paid out, and the past days' end-of-day reports count only
the loans that existed then.

Idempotent: the history is written once (see its module); a part already disbursed is not paid again.
"""

from __future__ import annotations

from typing import Any

from creditdesk.applications.models import Application
from creditdesk.loans import seed_history
from creditdesk.loans.choices import PaymentMode
from creditdesk.loans.models import Loan
from creditdesk.loans.services import contract_value_date, entrusted_requirement, loan_disburse

# 受托支付 counterparties by the application's purpose (the contract or invoice the money pays)
PAYEES = {
    "car_purchase": ("本市恒通汽车销售服务有限公司", "6222021001123456789", "本行城东支行", "购车合同"),
    "renovation": ("本市匠心装饰工程有限公司", "6222021001987654321", "本行城东支行", "家装合同"),
}
SUPPLIER = ("本市鑫源商贸有限公司", "6222021002345678901", "本行高新区支行", "采购合同")


def _payee(application: Application, part: Any) -> dict[str, str]:
    if application.purpose in PAYEES or entrusted_requirement(part).required:
        name, account, bank, paper = PAYEES.get(application.purpose, SUPPLIER)
        return {
            "mode": PaymentMode.ENTRUSTED,
            "payee_name": name,
            "payee_account": account,
            "payee_bank": bank,
            "payment_reference": f"{paper} {application.number}-{part.position}",
        }
    return {
        "mode": PaymentMode.SELF,
        "payee_name": application.customer.name,
        "payee_account": f"62170000{application.customer_id:010d}",
        "payee_bank": "本行",
    }


def run(*, stdout: Any = None) -> dict[str, int]:
    history = seed_history.run(stdout=stdout)
    ready = (
        Application.objects.filter(status="contract_signed", condition_checks__passed=True)
        .select_related("customer", "owner", "contract")
        .distinct()
        .order_by("pk")
    )
    created = 0
    for application in ready:
        contract = application.contract
        parts = application.parts.filter(disbursement__isnull=True).select_related("product_version")
        for part in parts.order_by("position"):
            entry = next((p for p in contract.content.get("parts", []) if p.get("part_id") == part.pk), None)
            loan_disburse(
                actor=application.owner,
                application_id=application.pk,
                part_id=part.pk,
                value_date=contract_value_date(contract, entry or {}),
                idempotency_key=f"seed-{application.number}-{part.position}",
                **_payee(application, part),
            )
            created += 1
    if stdout is not None:
        stdout.write(f"贷款：放款 {created} 笔（共 {Loan.objects.count()} 笔）")
    return {"created_loans": created, **history}
