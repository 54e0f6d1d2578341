"""Baskets, orders, payments, refunds and discount codes made directly, for tests that need one
in a given state without going through a checkout."""

from __future__ import annotations

from decimal import Decimal

import factory

from checkout.models import (
    Basket,
    BasketLine,
    DiscountCode,
    FulfilmentStatus,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
    Refund,
)


class BasketFactory(factory.django.DjangoModelFactory):
    """An anonymous basket unless `user=` is given; `lines={variant: quantity, ...}` fills it, in
    that order."""

    class Meta:
        model = Basket
        skip_postgeneration_save = True

    user = None

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create and extracted:
            for variant, quantity in extracted.items():
                BasketLineFactory(basket=self, variant=variant, quantity=quantity)


class BasketLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BasketLine

    basket = factory.SubFactory(BasketFactory)
    variant = None
    quantity = 1


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    """10% off, active, with no validity dates, minimum or limits unless a test sets them."""

    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"CODE{n}")
    kind = DiscountCode.Kind.PERCENT
    value = Decimal("10")
    per_customer_limit = None


class OrderLineFactory(factory.django.DjangoModelFactory):
    """One Wrap Dress in M, black, at 80.00, as it was sold."""

    class Meta:
        model = OrderLine

    order = None
    product_title = "Wrap Dress"
    size = "M"
    colour = "Black"
    sku = "W-M-B"
    unit_price = Decimal("80.00")
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class OrderFactory(factory.django.DjangoModelFactory):
    """A paid order of one Wrap Dress (M, black) at 80.00 with 6.00 standard shipping, shipped to
    Portland; the user's, for their email address, when `user=` is given. `payment_status=` and
    `fulfilment_status=` put it in any statuses directly (no history is recorded);
    `lines=[{...}, ...]` replaces the one line
    with lines of those OrderLineFactory fields (the totals are the test's to set then)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    user = None
    email = factory.LazyAttributeSequence(
        lambda o, n: o.user.email if o.user else f"guest{n}@example.com"
    )
    payment_status = PaymentStatus.PAID
    fulfilment_status = FulfilmentStatus.UNFULFILLED
    currency = "usd"
    subtotal = Decimal("80.00")
    shipping_total = Decimal("6.00")
    total = factory.LazyAttribute(lambda o: o.subtotal - o.discount_total + o.shipping_total)
    discount_total = Decimal("0.00")
    shipping_method = "standard"
    shipping_label = "Standard"
    ship_name = "Ann Shopper"
    ship_line1 = "1 Linen Lane"
    ship_city = "Portland"
    ship_postcode = "97201"
    ship_country = "US"
    ship_phone = "+1 503 555 0100"

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create:
            for fields in [{}] if extracted is None else extracted:
                OrderLineFactory(order=self, **fields)


class PaymentFactory(factory.django.DjangoModelFactory):
    """Stripe's payment of the whole order."""

    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    stripe_session_id = factory.Sequence(lambda n: f"cs_test_{n:024d}")
    stripe_payment_intent = factory.Sequence(lambda n: f"pi_test_{n:024d}")
    amount = factory.LazyAttribute(lambda o: o.order.total)
    currency = factory.LazyAttribute(lambda o: o.order.currency)


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    order = factory.SubFactory(OrderFactory)
    stripe_refund_id = factory.Sequence(lambda n: f"re_test_{n:024d}")
    amount = Decimal("10.00")
