"""The REST API: the same business functions as the HTML views (catalog.listing, catalog.search,
catalog.alerts, checkout.basket, checkout.services, saved.pieces), never a second copy of the
rules. These views parse, call
and serialise, and map the rules' exceptions to statuses."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError as LoginRefused
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.images import get_image_model

from accounts.ratelimit import client_ip
from catalog import alerts, fragments
from catalog.images import rendition_prefetch
from catalog.models import CategoryPage, ProductImage, ProductPage, ProductVariant, StockAlert
from catalog.queries import filter_products, sort_products, with_card_data
from catalog.search import RankedProducts, in_rank_order
from checkout import basket as baskets
from checkout import services
from checkout.exceptions import (
    AlreadyPaid,
    BasketError,
    CheckoutError,
    DetailsInvalid,
    OutOfStock,
    PaymentError,
    TooManyUnpaidOrders,
)
from checkout.models import Order, OrderLine
from saved import pieces

from . import serializers as s

SEARCH_LIMIT = 200


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request):
    raise NotFound()


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state.")


class TooManyRequests(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS


class Unavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


# Catalog ---------------------------------------------------------------------------------------


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CategorySerializer
    permission_classes = [AllowAny]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return CategoryPage.objects.live().public().order_by("path")

    def get_serializer_context(self):
        # Each category's parent, from one query over the tree instead of one per category.
        context = super().get_serializer_context()
        categories = {page.path: page.pk for page in CategoryPage.objects.live().only("path")}
        context["parents"] = {
            pk: categories.get(path[: -CategoryPage.steplen]) for path, pk in categories.items()
        }
        return context


def with_variants(products):
    return products.prefetch_related(
        Prefetch(
            "variants",
            queryset=ProductVariant.objects.select_related("size", "colour").order_by(
                "sort_order", "pk"
            ),
            to_attr="api_variants",
        )
    )


def page_key(raw: str) -> str:
    """`?page=` as a key: one spelling per page ("" for the first, "2" for "02"); anything else
    as written, for DRF refuses it (404) and a refusal is never cached."""
    number = raw.strip()
    if number.isascii() and number.isdigit() and int(number) >= 1:
        return fragments.page_value(number)
    return raw


@extend_schema(parameters=[s.ProductQuerySerializer])
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Live products, filtered, searched and ordered like the shop's listings and search."""

    permission_classes = [AllowAny]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.ProductDetailSerializer if self.action == "retrieve" else s.ProductSerializer

    # What the list understands; anything else in its query string is ignored, and kept out of
    # its cache keys and links (the paginator builds them from these).
    query_parameters = (*s.ProductQuerySerializer().fields, "page", "page_size")

    def list(self, request, *args, **kwargs):
        """Pages of products are public and the same for everyone: each is serialized once per
        query and version of the catalog (see catalog.fragments), keyed on what the query means
        rather than how it is written. Bad queries and pages that do not exist are not cached."""
        query = s.ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.filters = query.validated_data
        key = fragments.fragment_key(
            "api-products",
            request,
            request.get_host(),
            sorted(
                (name, sorted(value) if isinstance(value, list) else value)
                for name, value in self.filters.items()
            ),
            self.paginator.get_page_size(request),
            page_key(request.query_params.get("page", "")),
        )
        return Response(
            fragments.cached(key, lambda: super(ProductViewSet, self).list(request).data)
        )

    def get_queryset(self):
        products = ProductPage.objects.live().public()
        if self.action == "retrieve":
            renditions = (
                get_image_model()
                .get_rendition_model()
                .objects.filter(filter_spec__in=rendition_prefetch("card", "product"))
            )
            images = (
                ProductImage.objects.order_by("sort_order", "pk")
                .select_related("image")
                .prefetch_related(
                    Prefetch(
                        "image__renditions", queryset=renditions, to_attr="prefetched_renditions"
                    )
                )
            )
            return with_variants(
                products.select_related("size_guide").prefetch_related(
                    Prefetch("gallery_images", queryset=images)
                )
            )
        params = self.filters
        if "category" in params:
            category = CategoryPage.objects.live().filter(pk=params["category"]).first()
            if category is None:
                raise ValidationError({"category": [_("No such category.")]})
            products = products.descendant_of(category)
        products = filter_products(products, params)
        if params.get("q", "").strip():
            products, ranked = self.searched(products, params["q"].strip())
            if not params.get("ordering"):
                return with_variants(with_card_data(ranked))
        return with_variants(with_card_data(sort_products(products, params.get("ordering"))))

    @staticmethod
    def searched(products, query: str):
        """Products matching `query` (the best 200, ranked as on the search page), and the same
        ordered best match first."""
        ids = RankedProducts(query)[:SEARCH_LIMIT]
        return products.filter(pk__in=ids), in_rank_order(products, ids)


# Basket ----------------------------------------------------------------------------------------


def basket_response(request, code=status.HTTP_200_OK) -> Response:
    contents = baskets.contents_of(baskets.basket_for(request))
    baskets.remember_count(request, count=contents.count)
    return Response(s.BasketSerializer(contents, context={"request": request}).data, status=code)


class BasketView(APIView):
    """The caller's own basket: by their session, or their account when signed in."""

    permission_classes = [AllowAny]

    @extend_schema(responses=s.BasketSerializer)
    def get(self, request):
        return basket_response(request)


class BasketLineViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    lookup_value_regex = r"\d+"
    serializer_class = s.AddLineSerializer

    @extend_schema(request=s.AddLineSerializer, responses={201: s.BasketSerializer})
    def create(self, request):
        data = s.AddLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basket = baskets.basket_for(request, create=True)
        try:
            baskets.add(
                basket,
                variant_id=data.validated_data["variant"],
                quantity=data.validated_data["quantity"],
            )
        except BasketError as error:
            raise ValidationError({error.field: [error.message]}) from error
        return basket_response(request, status.HTTP_201_CREATED)

    @extend_schema(request=s.ChangeLineSerializer, responses=s.BasketSerializer)
    def partial_update(self, request, pk=None):
        data = s.ChangeLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basket = baskets.basket_for(request)
        try:
            line = baskets.line_of(basket, pk)
        except BasketError as error:
            raise NotFound(error.message) from error
        try:
            baskets.set_quantity(basket, line_id=line.pk, quantity=data.validated_data["quantity"])
        except BasketError as error:
            raise ValidationError({"quantity": [error.message]}) from error
        return basket_response(request)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        try:
            baskets.remove(baskets.basket_for(request), line_id=pk)
        except BasketError as error:
            raise NotFound(error.message) from error
        baskets.remember_count(request, baskets.basket_for(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Checkout and orders ------------------------------------------------------------------------------


class CheckoutView(APIView):
    """Place an order from the caller's basket and start paying for it at Stripe."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=s.CheckoutSerializer,
        responses={
            201: s.CheckoutStartedSerializer,
            409: OpenApiResponse(
                description="A piece sold out or ran short: the basket needs changing."
            ),
            503: OpenApiResponse(description="Stripe could not be reached; nothing was charged."),
        },
    )
    def post(self, request):
        data = s.CheckoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        details = services.CheckoutDetails(
            email=data.validated_data.get("email", ""),
            address=services.ShippingAddress(**data.validated_data["address"]),
            shipping_method=data.validated_data["shipping_method"],
            discount_code=data.validated_data["discount_code"].strip(),
        )
        try:
            started = services.check_out(
                contents=baskets.contents_of(baskets.basket_for(request)),
                details=details,
                user=request.user,
                client_ip=client_ip(request),
            )
        except DetailsInvalid as error:
            raise ValidationError({error.field: [error.message]}) from error
        except (OutOfStock, AlreadyPaid) as error:  # the basket needs changing
            raise Conflict(error.message) from error
        except TooManyUnpaidOrders as error:
            raise TooManyRequests(error.message) from error
        except PaymentError as error:
            raise Unavailable(error.message) from error
        except CheckoutError as error:  # an empty basket among them
            raise ValidationError({"detail": error.message}) from error
        order = started.order
        return Response(
            s.CheckoutStartedSerializer(
                {
                    "order": order.number,
                    "total": order.total,
                    "currency": order.currency,
                    "checkout_url": started.payment_url,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in caller's own orders, newest first."""

    serializer_class = s.OrderSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]{1,16}"

    def get_queryset(self):
        return (
            Order.objects.filter(user=self.request.user)
            .prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.order_by("pk")), "status_changes"
            )
            .order_by("-created_at", "-pk")
        )


# Back in stock -----------------------------------------------------------------------------------


class StockAlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Back-in-stock alerts: anyone may ask for one (a guest by email, confirmed by the link we
    mail); the signed-in caller lists and stops their own."""

    serializer_class = s.StockAlertSerializer
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        return [AllowAny()] if self.action == "create" else [IsAuthenticated()]

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema's generator asks, signed out
            return StockAlert.objects.none()
        return alerts.alerts_of(self.request.user)

    @extend_schema(
        request=s.AlertRequestSerializer,
        responses={
            201: s.StockAlertSerializer,
            202: OpenApiResponse(
                s.AcceptedSerializer,
                description="A guest's alert: it waits for the address to be confirmed.",
            ),
        },
    )
    def create(self, request):
        data = s.AlertRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            alert = alerts.subscribe(
                variant_id=data.validated_data["variant"],
                user=request.user,
                email=data.validated_data.get("email", ""),
                client_ip=client_ip(request),
            )
        except alerts.TooManyAlerts as error:
            raise TooManyRequests(error.message) from error
        except alerts.AlertError as error:
            raise ValidationError({error.field: [error.message]}) from error
        if request.user.is_authenticated:
            return Response(s.StockAlertSerializer(alert).data, status=status.HTTP_201_CREATED)
        # The same answer whether or not this address asked before: it tells nobody that.
        detail = _(
            "Please check your inbox: we sent a link to %(email)s. Confirm it, and we will "
            "email you when it is back."
        ) % {"email": data.validated_data.get("email", "")}
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        try:
            alerts.cancel(user=request.user, alert_id=pk)
        except alerts.AlertError as error:
            raise NotFound(error.message) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


# Saved pieces ------------------------------------------------------------------------------------


def saved_response(request, code=status.HTTP_200_OK) -> Response:
    contents = pieces.contents_of(pieces.saved_list_for(request))
    return Response(s.SavedListSerializer(contents, context={"request": request}).data, status=code)


class SavedView(APIView):
    """The caller's own saved pieces: by their session, or their account when signed in."""

    permission_classes = [AllowAny]

    @extend_schema(responses=s.SavedListSerializer)
    def get(self, request):
        return saved_response(request)

    @extend_schema(request=s.SavePieceSerializer, responses={201: s.SavedListSerializer})
    def post(self, request):
        """Save a product, in a size and colour if `variant` is given; saved already, it is
        kept as it was. Answers with the saved pieces."""
        data = s.SavePieceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            pieces.save(
                pieces.saved_list_for(request, create=True),
                product_id=data.validated_data["product"],
                variant_id=data.validated_data.get("variant"),
            )
        except pieces.SavedError as error:
            raise ValidationError({error.field: [error.message]}) from error
        return saved_response(request, status.HTTP_201_CREATED)


class SavedPieceView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        try:
            pieces.remove(pieces.saved_list_for(request), piece_id=pk)
        except pieces.SavedError as error:
            raise NotFound(error.message) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class MoveToBasketView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.MoveToBasketSerializer, responses=s.BasketSerializer)
    def post(self, request, pk: int):
        """Put the saved piece in the basket (one step) and take it off the saved pieces;
        answers with the basket."""
        data = s.MoveToBasketSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved_list = pieces.saved_list_for(request)
        try:
            pieces.piece_of(saved_list, pk)
        except pieces.SavedError as error:
            raise NotFound(error.message) from error
        try:
            pieces.move_to_basket(
                saved_list,
                baskets.basket_for(request, create=True),
                piece_id=pk,
                variant_id=data.validated_data.get("variant"),
                quantity=data.validated_data["quantity"],
            )
        except pieces.SavedError as error:
            raise ValidationError({error.field: [error.message]}) from error
        return basket_response(request)


class TokenView(APIView):
    """A token for the API, for the email and password of a confirmed account.

    Passwords are checked by allauth's adapter, as on the shop's sign-in, so failures count
    against the same limits (ACCOUNT_RATE_LIMITS "login_failed": per address and per account):
    five wrong passwords lock the account here and on the shop's pages alike."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenSerializer, auth=[])
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = get_adapter(request).authenticate(
                request,
                email=data.validated_data["email"],
                password=data.validated_data["password"],
            )
        except LoginRefused as refused:  # too many failed attempts
            raise Throttled(detail=refused.messages[0]) from refused
        if user is None or not user.is_active:
            raise ValidationError(
                {"non_field_errors": [_("The email address and/or password are not correct.")]}
            )
        if not EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists():
            raise ValidationError(
                {"non_field_errors": [_("Please confirm your email address before signing in.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
