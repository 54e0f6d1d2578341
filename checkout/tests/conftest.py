"""Fixtures only the checkout's tests use (the steps they share are in `helpers.py`)."""

from decimal import Decimal

import pytest

from checkout.models import ShippingSettings


@pytest.fixture
def rates():
    """Standard 6.00, express 15.00, free from 150.00."""
    ShippingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "standard_rate": Decimal("6.00"),
            "express_rate": Decimal("15.00"),
            "free_shipping_threshold": Decimal("150.00"),
        },
    )
