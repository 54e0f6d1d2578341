"""The API's returns: the caller's own, asked for from one of their shipped orders, through the
same service as the pages (returns.services)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from checkout.models import Order
from returns import services
from returns.models import Outcome, Reason, Return, ReturnLine


class ReturnLineSerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="order_line_id")
    product_title = serializers.CharField(source="order_line.product_title")
    exchange_variant = serializers.IntegerField(source="exchange_variant_id", allow_null=True)

    class Meta:
        model = ReturnLine
        fields = [
            "line",
            "product_title",
            "quantity",
            "reason",
            "outcome",
            "exchange_variant",
            "received_quantity",
        ]


class ReturnSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")
    lines = ReturnLineSerializer(many=True)

    class Meta:
        model = Return
        fields = ["number", "order", "status", "created_at", "received_at", "lines"]


class AskedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text=_("The order line's id."))
    quantity = serializers.IntegerField(min_value=1, max_value=1000)
    reason = serializers.ChoiceField(choices=Reason.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    exchange_variant = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("For an exchange: another variant of the same product, in stock."),
    )


class AskReturnSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=16, help_text=_("The order's number."))
    lines = AskedLineSerializer(many=True, allow_empty=False)


class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in caller's returns, newest first."""

    serializer_class = ReturnSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]{1,16}"

    def get_queryset(self):
        return (
            Return.objects.filter(order__user=self.request.user)
            .select_related("order")
            .prefetch_related("lines__order_line")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=AskReturnSerializer, responses={201: ReturnSerializer})
    def create(self, request):
        data = AskReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = get_object_or_404(Order, number=data.validated_data["order"], user=request.user)
        why_not = services.why_not_returnable(order)
        if why_not:
            raise ValidationError({"order": [why_not]})
        try:
            ret = services.request_return(
                order,
                lines=[
                    services.AskedLine(
                        line_id=item["line"],
                        quantity=item["quantity"],
                        reason=item["reason"],
                        outcome=item["outcome"],
                        exchange_variant_id=item.get("exchange_variant"),
                    )
                    for item in data.validated_data["lines"]
                ],
            )
        except services.ReturnInvalid as error:
            raise ValidationError({"lines": [error.message]}) from error
        return Response(
            ReturnSerializer(self.get_queryset().get(pk=ret.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=ReturnSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        ret = self.get_object()
        try:
            services.cancel_return(ret, by=request.user)
        except services.ReturnInvalid as error:
            raise ValidationError({"detail": error.message}) from error
        return Response(ReturnSerializer(self.get_queryset().get(pk=ret.pk)).data)
