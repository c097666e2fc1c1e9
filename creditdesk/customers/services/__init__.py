"""Writes to customers. Each service is one transaction with its audit row (sensitive values masked).

One module per topic: ``records`` (the record itself: validation, create, update), with ``values`` (how
typed amounts, counts and yes/no are read) and ``business`` (经营信息 and 公积金), ``unmask`` (查看明文),
``relationships`` (关联关系), ``handover`` (客户移交), ``merge`` (合并重复客户) and ``export`` (导出客户列表).
Everything callers use is re-exported here, so ``from creditdesk.customers import services`` /
``services.customer_create`` keep working; ``_apply`` is re-exported too, as the seed, the import and
the benchmarks go through it.
"""

from creditdesk.customers.services.business import (
    BUSINESS_AUDIT_FIELDS,
    BUSINESS_FIELDS,
    PERSON_FIELDS,
)
from creditdesk.customers.services.export import customer_list_export
from creditdesk.customers.services.handover import (
    HANDOVER_MAX,
    Handover,
    HandoverListener,
    customer_handover,
    register_handover_listener,
)
from creditdesk.customers.services.merge import MERGE_REASON_MAX, customer_merge, customer_merge_undo
from creditdesk.customers.services.records import (
    ASSET_VALUES,
    AUDIT_FIELDS,
    CHOICES,
    CREDIT_AMOUNT,
    CREDIT_COUNTS,
    ID_INDEX_CONTEXT,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    OPTIONAL_CHOICES,
    PHONE_INDEX_CONTEXT,
    PROFILE_FIELDS,
    YES_NO_FIELDS,
    CustomerInput,
    customer_create,
    customer_update,
    id_index,
    normalize_tags,
    phone_index,
)
from creditdesk.customers.services.records import _apply as _apply
from creditdesk.customers.services.relationships import relationship_add, relationship_remove
from creditdesk.customers.services.unmask import customer_unmask, sensitive_unmask
from creditdesk.customers.services.values import AMOUNT_MAX, CREDIT_LABELS, NO, YES, parse_amount

__all__ = [
    "AMOUNT_MAX",
    "ASSET_VALUES",
    "AUDIT_FIELDS",
    "BUSINESS_AUDIT_FIELDS",
    "BUSINESS_FIELDS",
    "CHOICES",
    "CREDIT_AMOUNT",
    "CREDIT_COUNTS",
    "CREDIT_LABELS",
    "HANDOVER_MAX",
    "ID_INDEX_CONTEXT",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MERGE_REASON_MAX",
    "NO",
    "OPTIONAL_CHOICES",
    "PERSON_FIELDS",
    "PHONE_INDEX_CONTEXT",
    "PROFILE_FIELDS",
    "YES",
    "YES_NO_FIELDS",
    "CustomerInput",
    "Handover",
    "HandoverListener",
    "customer_create",
    "customer_handover",
    "customer_list_export",
    "customer_merge",
    "customer_merge_undo",
    "customer_unmask",
    "customer_update",
    "id_index",
    "normalize_tags",
    "parse_amount",
    "phone_index",
    "register_handover_listener",
    "relationship_add",
    "relationship_remove",
    "sensitive_unmask",
]
