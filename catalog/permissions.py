"""The permission that separates merchandisers (prices, variants, stock) from editors (copy)."""

MERCHANDISE_CODENAME = "manage_merchandise"
MERCHANDISE_PERMISSION = f"catalog.{MERCHANDISE_CODENAME}"
