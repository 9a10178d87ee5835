"""Malformed input posted to every form and action endpoint never breaks a page.

The forms are found, not listed: every URL pattern from the resolver is filled from
the permission matrix's world (an exchange in every state) and read by the people who
use it; each ``<form method="post">`` on those pages is a target, with the fields and
the sensible values it sends. The live meeting's actions are all of
``meetings.views.ACTIONS``, in every state. Then, for each URL pattern, Hypothesis posts
the form with some fields made bad (empty, 100 kB, NUL bytes, right-to-left and
combining Unicode, huge, negative and non-numeric numbers, impossible dates, other
objects' ids and ids that do not exist, files of garbage), some left out, with and
without ``HX-Request``, once or twice in a row, as a person who was shown the form.

Every example runs in a savepoint that is rolled back, so the world stays as built
and the examples are independent and deterministic (``derandomize``). It asserts no
server error, and that a refused request (4xx) changed nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Max
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.forms import SignForm
from escalation.forms import ArbiterResponseForm, ConsentForm, ProposeArbiterForm
from meetings.models import Meeting, NeedItem, Remark
from meetings.views import ACTIONS
from monitoring.forms import CorrectForm, ExplanationForm, RecordForm, RespondForm
from tests.fuzz.forms import Field, FormSpec, form_fields, forms_in
from tests.security.test_permission_matrix import _path, all_patterns, fillings
from tests.security.world import PEOPLE, World, build_world

# Who reads the pages, per URL namespace: the people whose forms are worth posting.
READERS = {
    "": ["head_a", "anonymous"],
    "notifications": ["head_a"],
    "meetings": ["head_a", "member_a", "head_b", "chair"],
    "escalation": ["head_a", "head_b", "chair", "arbiter_in"],
    "agreements": ["head_a", "head_b", "chair"],
    "monitoring": ["head_a", "head_b", "chair", "manager_in"],
    "organisation": ["administrator"],
}
# Pages that are files or streams, not forms.
NOT_PAGES = {
    "meetings:live",
    "agreements:pdf",
    "agreements:minutes_pdf",
    "monitoring:report",
    "monitoring:calendar_download",
    "monitoring:meeting_ics",
    "monitoring:feed",
    "organisation:sso_start",
    "organisation:sso_callback",
}
# URL patterns no page posts a form to (the rest are found on the pages).
NOT_POSTED = {
    "home",
    "password_change_done",
    "meetings:list",
    "meetings:detail",
    "meetings:need_list",
    "meetings:glossary",
    "meetings:minutes",
    "meetings:live",
    "escalation:list",
    "agreements:list",
    "agreements:minutes_pdf",
    "agreements:for_meeting",
    "agreements:detail",
    "agreements:version",
    "agreements:pdf",
    "monitoring:calendar_download",
    "monitoring:feed",
    "monitoring:meeting_ics",
    "monitoring:overview",
    "monitoring:performance",
    "monitoring:report",
    "organisation:page",
    "organisation:accept",
    "organisation:first_run",
    "organisation:sso_start",
    "organisation:sso_callback",
}
# Forms that the world's states do not happen to show (their moment has passed, or not
# come), posted all the same with the fields of their Django form, by who would use them.
PROVIDER, RECIPIENT = {"head_b", "member_b", "head_a"}, {"head_a", "member_a"}
UNSHOWN = {
    "escalation:propose": (
        lambda state: [ProposeArbiterForm(escalation=state.escalation)],
        {"chair"},
    ),
    "escalation:heads": (
        lambda state: [
            ArbiterResponseForm(),
            ConsentForm(),
            _Choice("action", ["respond", "consent"]),
        ],
        {"head_a", "head_b"},
    ),
    "monitoring:record": (lambda state: [RecordForm()], PROVIDER),
    "monitoring:correct": (lambda state: [CorrectForm()], PROVIDER),
    "monitoring:explain": (lambda state: [ExplanationForm()], PROVIDER),
    "monitoring:respond": (lambda state: [RespondForm()], RECIPIENT),
    "meetings:need_item_confirm": (lambda state: [], {"head_a", "head_b", "member_a"}),
    # The sign button shows only on a complete, unsigned version, which the world's
    # agreements are not (drafts still miss who measures; the rest are signed).
    "agreements:sign": (lambda state: [SignForm()], {"head_a", "head_b"}),
}
FIRST_ACT_FIELDS = ("item", "remark", "text", "step", "minutes", "answer", "ready")

# Examples per URL pattern (the live meeting's actions get more: there are many);
# FUZZ_SCALE=0.1 for a quick run while developing, 10 for a long one.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = max(1, int(100 * SCALE))
ACT_EXAMPLES = max(1, int(800 * SCALE))

NAUGHTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "שלום",
    "e\u0301\u0301\u0301\u0301\u0301",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319",
    "\ufeff",
    "🙂" * 50,
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "9223372036854775808",
    "1.123456789",
    "93.12345%",
    "123456789012345",
    "0x1F",
    "1,000",
    "9999-12-31",
    "0001-01-01",
    "2027-02-30",
    "0000-00-00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2027-13-45T25:61",
    "31/02/2027",
    "987654321",
    "-5",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "line\r\nbreak",
]
FILES = [
    b"",
    b"\x00" * 64,
    b"%PDF-1.7\n%garbage\n",
    b"PK\x03\x04not really a spreadsheet",
    b"service,period_start,value\n,,\n\x00,9999-12-31,1e309\n",
    "service,period_start,value\nمرحبا,0001-01-01,93.12345%\n".encode(),
]


@dataclass
class _Choice:
    """A plain field a view reads from the POST without a form (``action=...``)."""

    name: str
    choices: list[str]


@dataclass
class Target:
    form: FormSpec
    people: set[str]
    state: str


def _namespace(key: str) -> str:
    return key.split(":")[0] if ":" in key else ""


def _pattern_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _other_ids() -> list[str]:
    """Ids of real objects that belong to other exchanges, and of nothing at all."""
    ids: set[int] = set()
    for model in (Meeting, NeedItem, Remark):
        ids.update(model.objects.order_by("-pk").values_list("pk", flat=True)[:4])
    for label in ("agreements.SLAService", "monitoring.Measurement", "organisation.Department"):
        ids.update(apps.get_model(label).objects.values_list("pk", flat=True)[:3])
    return sorted(str(i) for i in ids)


@dataclass
class Fuzzing:
    world: World
    clients: dict[str, Client]
    targets: dict[str, list[Target]]
    other_ids: list[str]


def _discover(world: World, clients: dict[str, Client]) -> dict[str, list[Target]]:
    found: dict[tuple, Target] = {}
    pages = []
    for pattern in all_patterns():
        if pattern.is_admin or pattern.key.startswith("api") or pattern.key in NOT_PAGES:
            continue
        namespace = _namespace(pattern.key)
        for state in [None, *world.states.values()]:
            for _variant, values in fillings(pattern, state, world):
                pages.append((_path(pattern.route, values), namespace, state))
    for path, namespace, state in pages:
        for who in READERS.get(namespace, ["head_a"]):
            response = clients[who].get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_in(response.content.decode(), path):
                name = state.name if state else "-"
                target = found.setdefault((*form.key(), name), Target(form, set(), name))
                target.people.add(who)
    # Every action of the live meeting, in every state, whether or not a page offers it.
    act_fields: dict[str, Field] = {}
    for target in found.values():
        if _pattern_key(target.form.path) == "meetings:act":
            act_fields.update(target.form.fields)
    for state in world.states.values():
        for action in ACTIONS:
            path = f"/exchanges/{state.meeting.pk}/act/{action}/"
            form = FormSpec(path=path, fields=dict(act_fields))
            people = {"head_a", "head_b", "chair", "member_b"}
            found.setdefault((*form.key(), state.name), Target(form, people, state.name))
    for pattern in all_patterns():
        if pattern.key not in UNSHOWN:
            continue
        make, people = UNSHOWN[pattern.key]
        for state in world.states.values():
            for _variant, values in fillings(pattern, state, world):
                form = FormSpec(path=_path(pattern.route, values))
                for part in make(state):
                    form.fields.update(form_fields(part))
                found.setdefault((*form.key(), state.name), Target(form, set(people), state.name))
    targets: dict[str, list[Target]] = defaultdict(list)
    for target in found.values():
        key = _pattern_key(target.form.path)
        if key is not None:
            targets[key].append(target)
    return targets


@pytest.fixture(scope="module")
def fuzzing(django_db_setup, django_db_blocker) -> Iterator[Fuzzing]:
    """The world built once, its forms found once; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = {}
        for who in PEOPLE:
            clients[who] = Client()
            if who != "anonymous":
                clients[who].force_login(world.people[who])
        yield Fuzzing(world, clients, _discover(world, clients), _other_ids())
        transaction.set_rollback(True)


# --- what changed ---------------------------------------------------------------------------

WATCHED_APPS = ("organisation", "meetings", "escalation", "agreements", "monitoring")
SKIPPED_FIELDS = {"pdf", "password", "last_login"}
# Records that are only ever appended to: their size and last row say if one was added.
APPEND_ONLY = {"meetings.Event", "agreements.Change", "organisation.OrgChange"}


def _watched() -> list[tuple[object, list[str] | None]]:
    result = []
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in APPEND_ONLY:
                result.append((model, None))
            else:
                names = [
                    f.attname for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS
                ]
                result.append((model, names))
    user = apps.get_model("auth.User")
    result.append((user, ["id", "username", "is_active", "is_staff", "first_name", "email"]))
    return result


def fingerprint() -> str:
    """A digest of every row of the product's data (not the log of sign-in attempts)."""
    digest = hashlib.sha256()
    for model, names in _watched():
        if names is None:
            digest.update(repr(model.objects.aggregate(Count("pk"), Max("pk"))).encode())
        else:
            for row in model.objects.order_by("pk").values_list(*names):
                digest.update(repr(row).encode())
    return digest.hexdigest()


# --- the bad values ---------------------------------------------------------------------------


def bad_value(other_ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NAUGHTY),
        st.sampled_from(other_ids),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    )


def bad_file(name: str) -> st.SearchStrategy[SimpleUploadedFile]:
    names = st.sampled_from(["people.csv", "figures.xlsx", "agreement.pdf", "x", "ø\x01.csv"])
    contents = st.one_of(st.sampled_from(FILES), st.binary(max_size=2000))
    return st.builds(lambda n, c: SimpleUploadedFile(n, c), names, contents)


@st.composite
def submissions(draw, fuzz: Fuzzing, key: str):
    target = draw(st.sampled_from(fuzz.targets[key]))
    form = target.form
    data: dict[str, object] = form.valid_data()
    names = sorted(form.fields) or list(FIRST_ACT_FIELDS)
    for name in draw(st.sets(st.sampled_from(names), max_size=3)):
        field = form.fields.get(name)
        if field is not None and field.is_file:
            data[name] = draw(bad_file(name))
        else:
            data[name] = draw(bad_value(fuzz.other_ids))
    for name in draw(st.sets(st.sampled_from(names), max_size=2)):
        if draw(st.booleans()):
            data.pop(name, None)
    for name, field in form.fields.items():
        if field.is_file and name not in data and draw(st.booleans()):
            data[name] = draw(bad_file(name))
    who = draw(st.sampled_from(sorted(target.people)))
    htmx = draw(st.booleans())
    times = draw(st.sampled_from([1, 1, 2]))
    return form.path, who, data, htmx, times


def _post(client: Client, path: str, data: dict, htmx: bool):
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data, headers=headers)


def _check(fuzz: Fuzzing, path: str, who: str, data: dict, htmx: bool, times: int) -> None:
    with transaction.atomic():
        for _ in range(times):
            before = fingerprint()
            response = _post(fuzz.clients[who], path, data, htmx)
            shown = {k: (v if not isinstance(v, str) else v[:80]) for k, v in data.items()}
            where = f"POST {path} as {who} {'(htmx) ' if htmx else ''}with {shown}"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            if 400 <= response.status_code < 500:
                assert fingerprint() == before, f"{where}: refused ({response.status_code}) "
                "but the data changed"
        transaction.set_rollback(True)


POSTED_KEYS = sorted(
    p.key
    for p in all_patterns()
    if not p.is_admin and not p.key.startswith("api") and p.key not in NOT_POSTED
)


@pytest.mark.django_db
def test_every_form_endpoint_was_found_on_a_page(fuzzing):
    found = set(fuzzing.targets)
    assert set(POSTED_KEYS) - found == set(), "no page posts to these: list them in NOT_POSTED"
    assert found & NOT_POSTED == set(), "pages post to these: take them out of NOT_POSTED"


@pytest.mark.django_db
@pytest.mark.parametrize("key", POSTED_KEYS)
def test_malformed_posts_never_break_a_page(fuzzing, key):
    if key not in fuzzing.targets:
        pytest.fail(f"no page posts a form to {key}")
    examples = ACT_EXAMPLES if key == "meetings:act" else EXAMPLES

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(submissions(fuzzing, key))
    def posting(submission):
        _check(fuzzing, *submission)

    posting()
