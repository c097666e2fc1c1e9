"""Writes of customer requests (客户诉求). Each service is one transaction with its audit row.

``recording`` (登记: classify, tier, route, agenda, notification), ``handling`` (响应 after the compliance
guard, 办结, 升级 by hand), ``escalation`` (the scheduled 超时升级), ``handover`` (requests follow a
handed-over customer); everything callers use is re-exported here."""

from creditdesk.servicedesk.services.escalation import EscalationRun, request_escalate_due
from creditdesk.servicedesk.services.handling import request_close, request_escalate, request_respond
from creditdesk.servicedesk.services.handover import requests_follow_handover
from creditdesk.servicedesk.services.recording import request_record

__all__ = [
    "EscalationRun",
    "request_close",
    "request_escalate",
    "request_escalate_due",
    "request_record",
    "request_respond",
    "requests_follow_handover",
]
