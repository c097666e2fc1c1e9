"""Application documents for programs — the same selectors and services as the pages:

- ``GET /api/v1/applications/{id}/checklist/`` — the checklist: items, each item's state, the score;
- ``POST /api/v1/applications/{id}/checklist/{item_id}/upload/`` — upload an item's document (multipart);
- ``GET /api/v1/applications/{id}/checklist/{item_id}/download/`` — an item's file (attachment);
- ``GET / POST /api/v1/customer-documents/`` — the documents on customers' files (``?customer=``), and an
  upload to a customer's file (multipart);
- ``POST /api/v1/customer-documents/{id}/verify/`` — 核验; ``GET …/{id}/download/`` — the file.

Refusals carry stable codes: ``document_type_not_allowed``, ``document_too_large``, ``document_empty``,
``document_file_required``, ``application_not_editable``, ``document_already_verified`` …
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.applications import documents as rules
from creditdesk.applications.models import ChecklistItem, CustomerDocument
from creditdesk.applications.selectors import documents as selectors
from creditdesk.applications.services import documents as services
from creditdesk.applications.views_documents import _attachment
from creditdesk.core.api.ids import IdField, IdFilter
from creditdesk.core.api.parsers import DecimalJSONParser
from creditdesk.core.api.schema import may_conflict

# A JSON body is read too: it carries no file, and the service answers who may upload before what is sent.
UPLOAD_PARSERS = [MultiPartParser, FormParser, DecimalJSONParser]
FILE_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, _("文件（附件下载；类型按文件内容识别：PDF、JPEG 或 PNG）")
    )
}


class CustomerDocumentSerializer(serializers.ModelSerializer):
    verified = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CustomerDocument
        fields = [
            "id",
            "customer",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "issued_on",
            "valid_until",
            "uploaded_by",
            "uploaded_at",
            "verified",
            "verified_by",
            "verified_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_verified(self, obj: CustomerDocument) -> bool:
        return obj.verified_at is not None

    def get_download_url(self, obj: CustomerDocument) -> str:
        return f"/api/v1/customer-documents/{obj.pk}/download/"


class ChecklistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    position = serializers.IntegerField(source="item.position")
    name = serializers.CharField(source="item.name")
    mandatory = serializers.BooleanField(source="item.mandatory")
    customer = serializers.IntegerField(source="item.customer_id", allow_null=True)
    kind = serializers.CharField(source="item.kind")
    max_age_days = serializers.IntegerField(source="item.max_age_days", allow_null=True)
    must_be_unexpired = serializers.BooleanField(source="item.must_be_unexpired")
    rule = serializers.CharField(source="item.rule")
    result = serializers.ChoiceField(choices=[r.value for r in rules.ItemResult])
    result_display = serializers.SerializerMethodField()
    message = serializers.CharField()
    document = CustomerDocumentSerializer(allow_null=True)

    def get_result_display(self, obj: Any) -> str:
        return str(_(obj.result.label))


class ChecklistSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    today = serializers.DateField()
    score = serializers.IntegerField(help_text=_("完整度：有效的必备资料占必备资料的百分比（取整）"))
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    items = ChecklistItemSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("PDF、JPG 或 PNG，不超过 10 MB"))
    # not nullable: a multipart form has no null (leave the field out instead)
    issued_on = serializers.DateField(required=False, default=None)
    valid_until = serializers.DateField(required=False, default=None)


class CustomerUploadSerializer(UploadSerializer):
    customer = IdField()
    kind = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


def _checklist_data(application: Any) -> dict[str, Any]:
    state = selectors.checklist_state(application=application, today=timezone.localdate())
    return ChecklistSerializer(
        {
            "application": application.pk,
            "today": state.today,
            "score": state.score,
            "complete": state.complete,
            "missing": list(state.missing),
            "items": state.items,
        }
    ).data


class ChecklistView(APIView):
    @extend_schema(responses=ChecklistSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """资料清单 of an application: each item's state (missing / unverified / expired / too_old / ok)
        and what to do, the completeness score."""
        application = selectors.application_get_visible(user=request.user, application_id=pk)
        return Response(_checklist_data(application))


class ChecklistUploadView(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses={201: CustomerDocumentSerializer}
    )
    @may_conflict
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        """Upload the document of one checklist item (the CM or the team lead; the application editable)."""
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # whose document and which kind are the item's (the service checks the item is the application's)
        item = ChecklistItem.objects.filter(pk=item_id, application_id=pk).only("customer", "kind").first()
        document = services.document_upload(
            actor=request.user,
            customer_id=(item.customer_id or 0) if item is not None else 0,
            kind=item.kind if item is not None else "",
            file=values.get("file"),
            issued_on=values.get("issued_on"),
            valid_until=values.get("valid_until"),
            application_id=pk,
            item_id=item_id,
        )
        return Response(CustomerDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ChecklistDownloadView(APIView):
    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request: Request, pk: int, item_id: int) -> FileResponse:
        """The file of one checklist item, always as an attachment (audited)."""
        document = services.checklist_document_open(actor=request.user, application_id=pk, item_id=item_id)
        return _attachment(document)


class CustomerDocumentFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))

    class Meta:
        model = CustomerDocument
        fields = ["customer"]


class CustomerDocumentListView(generics.ListAPIView):
    serializer_class = CustomerDocumentSerializer
    parser_classes = UPLOAD_PARSERS
    filterset_class = CustomerDocumentFilterSet

    def get_queryset(self) -> Any:
        return selectors.document_list_visible_to(user=self.request.user)

    @extend_schema(responses=CustomerDocumentSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The documents on the files of the customers one sees (``?customer=``), newest first."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": CustomerUploadSerializer}, responses={201: CustomerDocumentSerializer}
    )
    def post(self, request: Request) -> Response:
        """Upload a document to a customer's file (whoever may change the customer)."""
        data = CustomerUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = services.document_upload(
            actor=request.user,
            customer_id=values["customer"],
            kind=values.get("kind", ""),
            file=values.get("file"),
            issued_on=values.get("issued_on"),
            valid_until=values.get("valid_until"),
        )
        return Response(CustomerDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class CustomerDocumentVerifyView(APIView):
    @extend_schema(request=None, responses=CustomerDocumentSerializer)
    @may_conflict
    def post(self, request: Request, pk: int) -> Response:
        """核验: mark the document checked against the original (once)."""
        document = services.document_verify(actor=request.user, document_id=pk)
        return Response(CustomerDocumentSerializer(document).data)


class CustomerDocumentDownloadView(APIView):
    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request: Request, pk: int) -> FileResponse:
        """The file, always as an attachment (audited)."""
        document = services.document_open(actor=request.user, document_id=pk)
        return _attachment(document)
