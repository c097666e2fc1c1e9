"""The calculator for programs: `POST /api/v1/calculator/quote/`, `…/prepayment/`, `…/combination/`
(组合贷), `GET /api/v1/lpr/`, `GET /api/v1/provident-rates/`.

A quote is priced by ``pricing_mode``: ``fixed`` (``annual_rate``), ``lpr`` (``spread_bp``) or
``provident`` (the 公积金 table for ``home_order``); a request without it keeps its old meaning.

The same parsing, core and output as the page and `creditdesk calc` (``rates.calculator``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.finance.prepayment import KeepOption
from creditdesk.finance.terms import FeeTiming, Frequency
from creditdesk.rates import calculator, combination
from creditdesk.rates.calculator import PricingMode
from creditdesk.rates.choices import LPR_TENOR_REQUEST_VALUES, LPR_TENOR_VALUES, SCHEDULED_METHOD_CHOICES
from creditdesk.rates.models import LprRate, ProvidentRate
from creditdesk.rates.provident import HomeOrder
from creditdesk.rates.selectors import lpr_table, provident_table


def _values(members: Any) -> list[str]:
    return [member.value for member in members]


class Fee(serializers.Serializer):
    """A fee directly related to the loan (it counts in the annualized rate, PBOC 〔2021〕 No. 3)."""

    amount = serializers.CharField()
    when = serializers.ChoiceField(choices=_values(FeeTiming))


def _quote_fields() -> dict[str, serializers.Field]:
    """The request fields of a quote, as fresh instances on every call: DRF's serializer metaclass takes
    the fields out of the dict it is given, so a shared dict would leave the second schema (the
    prepayment's) without them. The enumerations are the pure core's."""
    return {
        "method": serializers.ChoiceField(choices=SCHEDULED_METHOD_CHOICES),
        "principal": serializers.CharField(help_text="贷款金额（元），字符串，最多两位小数"),
        "pricing_mode": serializers.ChoiceField(
            choices=_values(PricingMode),
            required=False,
            help_text=(
                "定价方式：fixed 固定年利率（填 annual_rate）、lpr LPR 加点（填 spread_bp，可选 lpr_tenor）、"
                "provident 公积金贷款利率（按定价日有效的公积金利率表，可选 home_order，期限最长 360 个月，"
                "不可再填 annual_rate、spread_bp 或 lpr_tenor）。不填时：有 annual_rate 为固定年利率，"
                "否则有 spread_bp 为 LPR 加点"
            ),
        ),
        "annual_rate": serializers.CharField(
            required=False, help_text='年利率（%），如 "4.90"；或改用 spread_bp'
        ),
        "spread_bp": serializers.IntegerField(required=False, help_text="LPR 加点（基点）"),
        "lpr_tenor": serializers.ChoiceField(choices=LPR_TENOR_REQUEST_VALUES, required=False),
        "home_order": serializers.ChoiceField(
            choices=_values(HomeOrder),
            required=False,
            help_text="公积金贷款（pricing_mode=provident）：首套 first（默认）/ 二套 second",
        ),
        "pricing_date": serializers.DateField(
            required=False, help_text="读取 LPR 或公积金利率表的日期，默认今天"
        ),
        "months": serializers.IntegerField(
            min_value=1,
            max_value=settings.CREDITDESK_MAX_TERM_MONTHS,
            help_text=f"期限（月），1–{settings.CREDITDESK_MAX_TERM_MONTHS}",
        ),
        "frequency": serializers.ChoiceField(choices=_values(Frequency), required=False),
        "start_date": serializers.DateField(required=False, help_text="放款日，默认今天"),
        "first_due_date": serializers.DateField(
            required=False, help_text="首期还款日（不规则首期按实际天数计息）"
        ),
        "fees": serializers.ListField(child=Fee(), required=False),
    }


QuoteRequest = inline_serializer("QuoteRequest", _quote_fields())


class InstallmentSerializer(serializers.Serializer):
    """One row of a schedule as the API returns it (amounts as strings with two places)."""

    period = serializers.IntegerField()
    due_date = serializers.DateField()
    payment = serializers.CharField()
    principal = serializers.CharField()
    interest = serializers.CharField()
    balance = serializers.CharField()


def _rows() -> serializers.ListField:
    return serializers.ListField(child=InstallmentSerializer())


class LprUsedSerializer(serializers.Serializer):
    """The LPR a quote was priced on: its tenor, its value (%, four places) and the day it took effect."""

    tenor = serializers.ChoiceField(choices=LPR_TENOR_VALUES)
    rate = serializers.CharField(help_text='LPR（%），如 "3.5000"')
    effective_from = serializers.DateField()


class LprPricingSerializer(serializers.Serializer):
    """How an LPR-priced quote's rate was made (kept for existing clients; ``lpr`` is the structured form)."""

    lpr_effective_from = serializers.DateField()
    lpr_tenor = serializers.ChoiceField(choices=LPR_TENOR_VALUES)
    lpr = serializers.CharField()
    spread_bp = serializers.IntegerField()
    annual_rate = serializers.CharField()


class ProvidentUsedSerializer(serializers.Serializer):
    """The 公积金 table row a quote was priced on: the day it took effect, the rate it gave (%, four
    places), the home order, and when the rate changes."""

    effective_from = serializers.DateField()
    rate = serializers.CharField(help_text='公积金贷款利率（%），如 "2.6000"')
    home_order = serializers.ChoiceField(choices=_values(HomeOrder))
    reset_note = serializers.CharField(help_text="利率调整的说明：公积金贷款利率调整后自次年 1 月 1 日起执行")


class RateMoveSerializer(serializers.Serializer):
    """The payment if the LPR moved ``bp`` basis points at the first reset (an illustration: same
    principal and term at the new rate)."""

    bp = serializers.IntegerField()
    annual_rate = serializers.CharField(help_text="变动后的年利率（%）")
    payment = serializers.CharField(help_text="变动后的首期还款额（元）")


def _quote_response_fields() -> dict[str, serializers.Field]:
    return {
        "schedule": _rows(),
        "total_interest": serializers.CharField(),
        "total_payment": serializers.CharField(),
        "total_fees": serializers.CharField(required=False, help_text="费用合计（有费用时）"),
        "apr_compound": serializers.CharField(help_text="年化利率（IRR 复利，%）"),
        "apr_simple": serializers.CharField(help_text="年化利率（单利，%）"),
        "rate_basis": serializers.CharField(
            help_text=(
                "利率的构成，如 “LPR 3.00%（2025-05-20）+ 35 bp = 3.35%”；公积金贷款为 “公积金首套 5 年以上 "
                "2.60%（2025-05-08 起执行）”；固定利率为 “固定年利率 4.90%”"
            )
        ),
        "lpr": LprUsedSerializer(allow_null=True, help_text="所用 LPR；固定利率和公积金贷款报价为 null"),
        "provident": ProvidentUsedSerializer(
            allow_null=True, help_text="所用公积金贷款利率；仅公积金贷款报价给出，其余为 null"
        ),
        "pricing": LprPricingSerializer(required=False, help_text="LPR 定价时给出"),
        "rate_moves": serializers.ListField(
            child=RateMoveSerializer(),
            required=False,
            help_text="LPR 定价时给出：第一个重定价日 LPR ±50 基点后的首期还款额（示例，不是预测）",
        ),
    }


QuoteResponse = inline_serializer("QuoteResponse", _quote_response_fields())
CombinationRequest = inline_serializer(
    "CombinationRequest",
    {
        "home_order": serializers.ChoiceField(
            choices=_values(HomeOrder),
            required=False,
            help_text="首套 first（默认）/ 二套 second",
        ),
        "provident_amount": serializers.CharField(help_text="公积金贷款金额（元）"),
        "provident_months": serializers.IntegerField(help_text="公积金贷款期限（月），最长 360"),
        "commercial_amount": serializers.CharField(help_text="商业贷款金额（元）"),
        "commercial_months": serializers.IntegerField(help_text="商业贷款期限（月），最长 360"),
        "spread_bp": serializers.IntegerField(help_text="商业贷款 LPR 加点（基点，可为负数）"),
        "method": serializers.ChoiceField(choices=SCHEDULED_METHOD_CHOICES, required=False),
        "start_date": serializers.DateField(required=False, help_text="放款日，默认今天"),
        "pricing_date": serializers.DateField(required=False, help_text="定价日，默认今天"),
    },
)
CombinationResponse = inline_serializer(
    "CombinationResponse",
    {
        "home_order": serializers.ChoiceField(choices=_values(HomeOrder)),
        "parts": inline_serializer(
            "CombinationParts",
            {
                "provident": inline_serializer(
                    "CombinationProvidentPart",
                    {**_quote_response_fields(), "principal": serializers.CharField()},
                ),
                "commercial": inline_serializer(
                    "CombinationCommercialPart",
                    {**_quote_response_fields(), "principal": serializers.CharField()},
                ),
            },
        ),
        "schedule": serializers.ListField(
            child=inline_serializer(
                "CombinedInstallment",
                {
                    "period": serializers.IntegerField(),
                    "due_date": serializers.DateField(),
                    "provident": serializers.CharField(),
                    "commercial": serializers.CharField(),
                    "total": serializers.CharField(),
                },
            )
        ),
        "principal": serializers.CharField(),
        "first_payment": serializers.CharField(help_text="首月两部分合计月供（元）"),
        "total_interest": serializers.CharField(),
        "total_payment": serializers.CharField(),
    },
)
PrepaymentRequest = inline_serializer(
    "PrepaymentRequest",
    {
        **_quote_fields(),
        "prepayment_amount": serializers.CharField(),
        "prepayment_date": serializers.DateField(),
        "keep": serializers.ChoiceField(choices=_values(KeepOption), required=False),
        "penalty": inline_serializer(
            "PenaltyRule",
            {
                "percent_of_prepaid": serializers.CharField(required=False),
                "months_of_interest": serializers.IntegerField(required=False),
                "waived_after_months": serializers.IntegerField(required=False),
            },
            required=False,
        ),
    },
)


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": ["请求体须为 JSON 对象。"]})
    return request.data


class QuoteView(APIView):
    """A repayment schedule with total interest and the annualized rate (IRR, fees included)."""

    @extend_schema(
        request=QuoteRequest,
        responses=QuoteResponse,
        tags=["calculator"],
        examples=[
            OpenApiExample(
                "30 年房贷",
                value={
                    "method": "equal_installment",
                    "principal": "1000000.00",
                    "annual_rate": "4.90",
                    "months": 360,
                    "start_date": "2026-01-20",
                    "fees": [{"amount": "1000.00", "when": "upfront"}],
                },
                request_only=True,
            ),
            OpenApiExample(
                "100 万公积金贷款 30 年（首套）",
                value={
                    "method": "equal_installment",
                    "principal": "1000000.00",
                    "pricing_mode": "provident",
                    "home_order": "first",
                    "months": 360,
                    "start_date": "2025-06-01",
                    "pricing_date": "2025-06-01",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        terms, pricing = calculator.parse_terms(
            _body(request),
            lpr_table=lpr_table(),
            provident_table=provident_table(),
            today=timezone.localdate(),
        )
        return Response(calculator.quote_json(calculator.quote(terms, pricing)))


class PrepaymentView(APIView):
    """What a partial or full prepayment on a date costs and saves, and the new schedule."""

    @extend_schema(
        request=PrepaymentRequest,
        responses=inline_serializer(
            "PrepaymentResponse",
            {
                "full": serializers.BooleanField(),
                "penalty": serializers.CharField(),
                "accrued_interest": serializers.CharField(),
                "interest_saved": serializers.CharField(),
                "new_schedule": _rows(),
            },
        ),
        tags=["calculator"],
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        terms, _pricing = calculator.parse_terms(
            data, lpr_table=lpr_table(), provident_table=provident_table(), today=timezone.localdate()
        )
        return Response(calculator.prepayment_json(calculator.prepayment(terms, data)))


class CombinationView(APIView):
    """组合贷: a 公积金 part (priced from the 公积金 table for 首套/二套 on the pricing date) and a commercial
    part (LPR + spread), each schedule, and the month-by-month combined payments and totals."""

    @extend_schema(
        request=CombinationRequest,
        responses=CombinationResponse,
        tags=["calculator"],
        examples=[
            OpenApiExample(
                "60 万公积金 + 40 万商贷",
                value={
                    "home_order": "first",
                    "provident_amount": "600000.00",
                    "provident_months": 300,
                    "commercial_amount": "400000.00",
                    "commercial_months": 360,
                    "spread_bp": -45,
                    "pricing_date": "2025-06-01",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        result = combination.parse_combination(
            _body(request),
            lpr_table=lpr_table(),
            provident_table=provident_table(),
            today=timezone.localdate(),
        )
        return Response(combination.combination_json(result))


class LprRateSerializer(serializers.ModelSerializer):
    one_year = serializers.DecimalField(max_digits=9, decimal_places=4)
    five_year = serializers.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        model = LprRate
        fields = ["effective_from", "one_year", "five_year", "source"]


class LprRateViewSet(viewsets.ReadOnlyModelViewSet):
    """The LPR history (percent), newest first. Maintained by administrators in the admin."""

    serializer_class = LprRateSerializer
    queryset = LprRate.objects.order_by("-effective_from")
    lookup_field = "effective_from"


class ProvidentRateSerializer(serializers.ModelSerializer):
    first_home_up_to_5y = serializers.DecimalField(max_digits=9, decimal_places=4)
    first_home_over_5y = serializers.DecimalField(max_digits=9, decimal_places=4)
    second_home_up_to_5y = serializers.DecimalField(max_digits=9, decimal_places=4)
    second_home_over_5y = serializers.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        model = ProvidentRate
        fields = [
            "effective_from",
            "first_home_up_to_5y",
            "first_home_over_5y",
            "second_home_up_to_5y",
            "second_home_over_5y",
            "source",
        ]


class ProvidentRateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The 住房公积金贷款利率 history (percent), newest first. Maintained by administrators in the admin."""

    serializer_class = ProvidentRateSerializer
    queryset = ProvidentRate.objects.order_by("-effective_from")
