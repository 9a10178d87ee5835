"""How the product names people, everywhere: full name, else the username."""

from __future__ import annotations


def display_name(user, *, nobody: str = "") -> str:
    """``user``'s full name, or their username; ``nobody`` when there is no user."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()
