"""Single sign-on with OpenID Connect, against a small provider started by the test.

The provider runs on 127.0.0.1 in a thread: it authorises (returning a code),
issues an HS256 ID token carrying the nonce, and answers the userinfo call.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from django.test import override_settings
from django.urls import reverse

from organisation import services
from organisation.models import Invitation
from organisation.services import NewPerson

CLIENT_ID, SECRET = "exchange", "a-shared-secret-long-enough-for-hs256"


class Provider(BaseHTTPRequestHandler):
    codes: dict[str, dict] = {}
    email = "fiona@example.org"

    def log_message(self, *args) -> None:
        pass

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/authorize":
            code = f"code-{len(self.codes)}"
            Provider.codes[code] = {"nonce": query.get("nonce"), "email": Provider.email}
            target = (
                query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
            )
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
        elif url.path == "/userinfo":
            code = self.headers["Authorization"].removeprefix("Bearer access-")
            self._json({"sub": "s-1", "email": Provider.codes[code]["email"]})
        else:
            self._json({"error": "not_found"}, 404)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        grant = Provider.codes.get(form.get("code"))
        if (
            urlparse(self.path).path != "/token"
            or grant is None
            or form.get("client_id") != CLIENT_ID
        ):
            self._json({"error": "invalid_grant"}, 400)
            return
        now = int(time.time())
        claims = {
            "iss": "http://provider.test",
            "sub": "s-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": grant["email"],
        }
        token = jwt.encode(claims, SECRET, algorithm="HS256")
        self._json(
            {"id_token": token, "access_token": f"access-{form['code']}", "token_type": "Bearer"}
        )


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    with override_settings(
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=SECRET,
        OIDC_RP_SIGN_ALGO="HS256",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{base}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{base}/token",
        OIDC_OP_USER_ENDPOINT=f"{base}/userinfo",
        OIDC_PROVIDER_NAME="Example ID",
        AUTHENTICATION_BACKENDS=[
            "django.contrib.auth.backends.ModelBackend",
            "organisation.sso.OrganisationOIDCBackend",
        ],
    ):
        yield Provider
    server.shutdown()


def sign_in_through_provider(client, email: str):
    Provider.email = email
    start = client.get(reverse("organisation:sso_start"))
    assert start.status_code == 302
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    assert callback.path == reverse("organisation:sso_callback")
    return client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_single_sign_on_when_it_is_set_up(db, client, provider):
    assert "Sign in with Example ID" in client.get(reverse("login")).readable


def test_without_a_provider_there_is_no_button_and_no_endpoint(db, client):
    assert "Sign in with" not in client.get(reverse("login")).readable
    assert client.get(reverse("organisation:sso_start")).status_code == 404


def test_a_known_person_signs_in_by_email(org, client, provider):
    response = sign_in_through_provider(client, "FIONA@example.org")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Hello, Fiona" in client.get("/").readable


def test_a_stranger_is_not_let_in(org, client, provider):
    response = sign_in_through_provider(client, "stranger@example.org")
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert client.get("/").status_code == 302  # still signed out
    assert "did not let you in" in client.get(response["Location"]).readable


def test_a_deactivated_person_is_not_let_in(org, client, provider):
    org.fiona.is_active = False
    org.fiona.save()
    response = sign_in_through_provider(client, "fiona@example.org")
    assert response["Location"] == "/accounts/login/?sso=failed"


def test_signing_in_accepts_an_open_invitation(org, client, provider):
    from organisation.models import OrgRole
    from tests.factories import give_role, make_user

    admin = make_user("ada")
    give_role(admin, OrgRole.Role.ADMINISTRATOR)
    nia = services.person_invite(
        by=admin, person=NewPerson(email="nia@example.org", first_name="Nia", last_name="")
    ).user
    response = sign_in_through_provider(client, "nia@example.org")
    assert response["Location"] == "/"
    nia.refresh_from_db()
    assert nia.is_active
    assert Invitation.objects.get(user=nia).accepted_at is not None
