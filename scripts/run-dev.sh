#!/usr/bin/env bash
# The last step of `make run`: the site on http://127.0.0.1:8000, with the local Stripe stand-in
# playing Stripe when no STRIPE_SECRET_KEY is set (the checkout then says payments are simulated).
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python

if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
    "$python" -m standins.stripe_api --port 12111 \
        --webhook-url http://127.0.0.1:8000/checkout/stripe/webhook/ \
        --webhook-secret whsec_test_standin &
    standin=$!
    trap 'kill $standin 2>/dev/null || true' EXIT INT TERM
    echo "Payments are simulated by the local Stripe stand-in on http://127.0.0.1:12111"
fi

echo "The store: http://127.0.0.1:8000   The admin: http://127.0.0.1:8000/admin/"
"$python" manage.py runserver 127.0.0.1:8000
