"""Ready-made people for every test: an organisation with Finance and Sales.

fiona heads Finance (fergus is a member), sam heads Sales (sean is a member),
priya facilitates, arthur arbitrates, margaret manages, and olive is in
Operations, outside the exchange.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client, override_settings

from organisation.models import OrgRole
from tests.factories import PASSWORD, give_role, make_department, make_meeting, make_user
from tests.tasks import run_queued_tasks


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Tests make many people; the real hasher would spend a second on each."""
    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def tasks_run_when_told():
    """Background tasks are recorded, and run only by ``run_tasks()``."""
    override = override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _empty_task_queue():
    from django.tasks import default_task_backend

    default_task_backend.clear()
    yield
    default_task_backend.clear()


@pytest.fixture
def run_tasks():
    """``run_tasks()`` runs every task that is due, as the worker would."""
    return run_queued_tasks


@pytest.fixture
def org(db) -> SimpleNamespace:
    fiona = make_user("fiona", first_name="Fiona", last_name="Marsh")
    fergus = make_user("fergus", first_name="Fergus", last_name="Lane")
    sam = make_user("sam", first_name="Samira", last_name="Okafor")
    sean = make_user("sean", first_name="Sean", last_name="Doyle")
    priya = make_user("priya", first_name="Priya", last_name="Nair")
    arthur = make_user("arthur", first_name="Arthur", last_name="Kemp")
    margaret = make_user("margaret", first_name="Margaret", last_name="Hale")
    olive = make_user("olive", first_name="Olive", last_name="Grant")
    finance = make_department("Finance", head=fiona, members=[fergus])
    sales = make_department("Sales", head=sam, members=[sean])
    operations = make_department("Operations", head=olive)
    give_role(priya, OrgRole.Role.FACILITATOR)
    give_role(arthur, OrgRole.Role.ARBITER)
    give_role(margaret, OrgRole.Role.MANAGER)
    return SimpleNamespace(
        fiona=fiona,
        fergus=fergus,
        sam=sam,
        sean=sean,
        priya=priya,
        arthur=arthur,
        margaret=margaret,
        olive=olive,
        finance=finance,
        sales=sales,
        operations=operations,
        password=PASSWORD,
    )


@pytest.fixture
def meeting(org):
    """An exchange called by Finance (A) with Sales (B), in preparation."""
    return make_meeting(department_a=org.finance, department_b=org.sales, facilitator=org.priya)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """``as_user(org.fiona)`` gives a logged-in test client."""
    return client_for


@pytest.fixture(autouse=True)
def _readable_responses(monkeypatch):
    """``response.readable``: the page as a person reads it (entities like &#x27; unescaped)."""
    from html import unescape

    from django.http import HttpResponseBase

    monkeypatch.setattr(
        HttpResponseBase,
        "readable",
        property(lambda self: unescape(self.content.decode())),
        raising=False,
    )
