"""Short-lived signed download links for sealed PDFs.

The agreement page links to its PDF with a token that names the person and the
version and expires after a few minutes. The token is not a key: the download
view honours it only in that person's own signed-in session, and refuses it in
anyone else's (a forwarded link), so a link in an email or a chat gives nothing
to whoever else holds it. The session and the permission are checked on every
download, in three queries.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

SALT = "agreements.pdf-download"
MAX_AGE_SECONDS = 10 * 60


def _value(user_id: int, sla_id: int, number: int) -> str:
    return f"{user_id}:{sla_id}:{number}"


def download_url(user, sla_id: int, number: int) -> str:
    """The PDF's address for ``user``, carrying their short-lived token."""
    token = signing.TimestampSigner(salt=SALT).sign(_value(user.pk, sla_id, number))
    return f"{reverse('agreements:pdf', args=[sla_id, number])}?t={token}"


def user_id_for(token: str, sla_id: int, number: int) -> int | None:
    """The person a token was made for, if it is genuine, unexpired and for this version."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    user_id, _, rest = value.partition(":")
    if rest != f"{sla_id}:{number}" or not user_id.isdigit():
        return None
    return int(user_id)
