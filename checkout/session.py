"""All checkout state kept in the shopper's session goes through this class, under one key."""

from __future__ import annotations

KEY = "checkout"


class CheckoutSessionData:
    def __init__(self, request):
        self.session = request.session
        self.data = dict(self.session.get(KEY, {}))

    def _save(self) -> None:
        self.session[KEY] = self.data

    @property
    def form_initial(self) -> dict:
        return dict(self.data.get("form", {}))

    def remember_form(self, cleaned: dict) -> None:
        self.data["form"] = {
            key: value for key, value in cleaned.items() if isinstance(value, (str, bool))
        }
        self._save()

    def start_order(self, number: str) -> None:
        self.data["order_number"] = number
        self._save()

    def owns(self, number: str) -> bool:
        return bool(number) and self.data.get("order_number") == number

    def finish(self) -> None:
        self.data.pop("order_number", None)
        self._save()
