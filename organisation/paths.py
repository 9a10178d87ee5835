"""Path converters: a parameter that cannot be valid never reaches a view (404, not 500)."""

from __future__ import annotations

from django.urls import register_converter


class TokenConverter:
    """A secret from a link (``secrets.token_urlsafe`` or a signed value): letters, digits,
    ``-``, ``_``, ``:`` and ``.``, at most 200 characters. A NUL byte or anything else is
    no token, so the address is not found before the database is asked."""

    regex = r"[A-Za-z0-9_.:-]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(TokenConverter, "token")
