"""The Content Security Policy: strict for the shop, with what Wagtail's admin and the API docs
need added on their own paths only."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

UNSAFE_INLINE = "'unsafe-inline'"

# What the Wagtail admin needs beyond the shop's policy, found by driving it in Chromium under the
# strict one and reading the violations: inline scripts and event handlers (its page editor,
# settings and image editor), inline styles, and blob: images for uploads being previewed.
ADMIN = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "img-src": ["blob:"]}
# Swagger UI sets inline styles.
API_DOCS = {"style-src": [UNSAFE_INLINE]}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def form_targets() -> list[str]:
    """Where our forms' redirects may lead: Stripe's payment page and GitHub's sign-in (the
    CSP form-action directive covers redirects after a submission too)."""
    targets = ["https://checkout.stripe.com"]
    if settings.STRIPE_API_BASE:
        targets.append(origin(settings.STRIPE_API_BASE))
    targets.append(origin(settings.GITHUB_URL) if settings.GITHUB_URL else "https://github.com")
    return [target for target in targets if target]


class StoreCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        extra = {"form-action": form_targets()}
        if request.path.startswith("/admin/"):
            extra |= ADMIN
        elif request.path.startswith("/api/docs/"):
            extra |= API_DOCS
        parts.update = {**(parts.update or {}), **extra}
        return parts
