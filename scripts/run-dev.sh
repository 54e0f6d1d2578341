#!/usr/bin/env bash
# The last step of `make run`: the site on http://127.0.0.1:8000, with the local Stripe stand-in
# playing Stripe when no STRIPE_SECRET_KEY is set (the checkout then says payments are simulated),
# the demo pictures' renditions made beside it, at a lower priority than the pages, and Wagtail's
# scheduled publishing every minute.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python

helpers=""
trap 'kill $helpers 2>/dev/null || true' EXIT INT TERM

if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
    "$python" -m standins.stripe_api --port 12111 \
        --webhook-url http://127.0.0.1:8000/checkout/stripe/webhook/ \
        --webhook-secret whsec_test_standin &
    helpers="$helpers $!"
    echo "Payments are simulated by the local Stripe stand-in on http://127.0.0.1:12111"
fi

# A page makes the renditions it needs and does not find yet, so the site can be served now.
nice -n 10 "$python" manage.py warm_demo_pictures &
helpers="$helpers $!"

# Scheduled pages go live and expire on time, as beat makes them in production.
(while sleep 60; do "$python" manage.py publish_scheduled >/dev/null; done) &
helpers="$helpers $!"

echo "The store: http://127.0.0.1:8000   The admin: http://127.0.0.1:8000/admin/"
"$python" manage.py runserver 127.0.0.1:8000
