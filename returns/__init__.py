"""Returns and exchanges: a shopper sends pieces of a shipped order back, for a refund or for
another size or colour of the same product; merchandisers receive them, which restocks the
pieces, refunds them through the order's refund path or turns the exchange into a new order."""
