"""Every URL pattern, as every kind of person, for objects in every state.

The URL patterns come from the resolver, so a new one fails ``test_every_url_has_an_expectation``
until ``EXPECT`` says what each person should get from it. Each cell is one request
(URL pattern x parameters from one state x person); the test asserts the status
from ``EXPECT``, that there is no server error, and that no canary (see
``tests/security/world.py``) reaches someone who may not read it: not in a page,
an htmx fragment, a live region, a PDF's text or a calendar.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pypdf import PdfReader

from meetings import permissions as meeting_permissions
from meetings import views as meeting_views
from meetings.models import Step
from tests.security.world import CANARY, PEOPLE, SIDE_A, SIDE_B, STATES, State, World, build_world

CELLS: dict[str, int] = {}  # test -> cells it checked; printed at the end of the module


# --- the URL patterns -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL's name ("meetings:detail"), or its route when it has none
    route: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin:") or self.route.startswith("admin/")

    @property
    def namespace(self) -> str:
        return self.key.split(":")[0] if ":" in self.key else ""


PARAM = r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    """Every URL pattern, however deeply included."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            params = tuple(dict.fromkeys(a or b for a, b in re.findall(PARAM, route)))
            yield Pattern(key=name or route, route=route, params=params)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def _path(route: str, values: dict[str, object]) -> str:
    """``route`` with its parameters filled in (path converters and admin's regexes)."""

    def fill(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return str(values[name])

    path = re.sub(PARAM, fill, route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


# --- who is who --------------------------------------------------------------------------

SIGNED_IN = [p for p in PEOPLE if p != "anonymous"]
HEADS = {"head_a", "head_b"}
MANAGERS = {"manager_in", "manager_out"}


def facilitates(who: str, state: State) -> bool:
    """Priya facilitates every exchange but the one a head called without her."""
    return who == "chair" and state.meeting.facilitator_id is not None


def sees_meeting(who: str, state: State) -> bool:
    return (
        who in SIDE_A | SIDE_B | {"manager_in"}
        or facilitates(who, state)
        or (who == "arbiter_in" and state.name == "escalated")
    )


def sees_list(who: str, state: State, side: str) -> bool:
    """Own side and the facilitator; the others once it is presented. A head who chairs
    (state "called") reads no more than any other head."""
    own = SIDE_A if side == "a" else SIDE_B
    return (
        who in own
        or facilitates(who, state)
        or (sees_meeting(who, state) and state.side_presented(side))
    )


def sees_agreement(who: str, state: State) -> bool:
    return who in SIDE_A | SIDE_B | {"chair", "manager_in"}


@dataclass(frozen=True)
class Cell:
    pattern: Pattern
    who: str
    state: State | None
    variant: str  # which object fills the parameters: "a"/"b" for a need list, "v1"...
    method: str = "GET"


# --- what each person should get ------------------------------------------------------------

Expect = Callable[[Cell], int]


def login_first(expect: Expect) -> Expect:
    """Signed out, every page sends you to sign in."""
    return lambda cell: 302 if cell.who == "anonymous" else expect(cell)


def everyone(status: int) -> Expect:
    return login_first(lambda cell: status)


def meeting_page(cell: Cell) -> int:
    return 200 if sees_meeting(cell.who, cell.state) else 403


def need_list_page(cell: Cell) -> int:
    return 200 if sees_list(cell.who, cell.state, cell.variant) else 403


def need_item_edit(cell: Cell) -> int:
    state, side = cell.state, cell.variant
    if not sees_list(cell.who, state, side):
        return 403
    own_head = cell.who == f"head_{side}"
    if not own_head:
        return 403  # members may not edit (their head has not allowed it); nor may others
    ready = (state.list_a if side == "a" else state.list_b).is_ready
    return 200 if state.step == Step.PREPARATION and not ready else 409


def agreement_page(cell: Cell) -> int:
    return 200 if sees_agreement(cell.who, cell.state) else 403


def escalation_page(cell: Cell) -> int:
    return 200 if cell.who in SIDE_A | SIDE_B | {"chair", "manager_in", "arbiter_in"} else 403


def escalation_propose(cell: Cell) -> int:
    if escalation_page(cell) == 403:
        return 403
    return 200 if cell.who == "chair" else 403  # only the chair proposes an arbiter


def for_meeting(cell: Cell) -> int:
    if not sees_meeting(cell.who, cell.state):
        return 403
    return 302 if cell.state.sla else 404


def agreement_pdf(cell: Cell) -> int:
    if not sees_agreement(cell.who, cell.state):
        return 403
    version = next(v for v in cell.state.versions if f"v{v.number}" == cell.variant)
    return 200 if version.has_pdf else 404


def service_edit(cell: Cell) -> int:
    if not sees_agreement(cell.who, cell.state):
        return 403
    if cell.who not in HEADS | {"chair"}:
        return 403
    version = next(v for v in cell.state.versions if f"v{v.number}" == cell.variant)
    return 200 if version.is_editable else 409


def performance_page(cell: Cell) -> int:
    return 200 if sees_agreement(cell.who, cell.state) else 403


def review_page(cell: Cell) -> int:
    if not sees_agreement(cell.who, cell.state):
        return 403
    # Facilitators and managers open a review; the heads ask for one.
    return 200 if cell.who in HEADS | {"chair", "manager_in"} else 403


def import_page(cell: Cell) -> int:
    """The providing department imports figures for an agreement in force."""
    if not sees_agreement(cell.who, cell.state):
        return 403
    in_force = any(v.status == "signed" for v in cell.state.versions)
    return 200 if in_force and cell.who in SIDE_A | SIDE_B else 403


EXPECT: dict[str, Expect] = {
    "home": everyone(200),
    "login": lambda cell: 200,
    "logout": lambda cell: 405,  # signing out is a POST
    "password_change": everyone(200),
    "password_change_done": everyone(200),
    "notifications:preferences": everyone(200),  # always one's own
    "meetings:list": everyone(200),
    "meetings:schedule": login_first(lambda c: 200 if c.who in MANAGERS | {"chair"} else 403),
    # Any head calls an exchange for their own department (Olive heads Operations).
    "meetings:call": login_first(lambda c: 200 if c.who in HEADS | {"unrelated"} else 403),
    "meetings:detail": login_first(meeting_page),
    "meetings:act": login_first(lambda c: 405),  # actions are POSTs
    "meetings:minutes": login_first(meeting_page),
    "meetings:need_list": login_first(need_list_page),
    "meetings:need_item_add": login_first(lambda c: 405),
    "meetings:need_item_edit": login_first(need_item_edit),
    "meetings:need_item_delete": login_first(lambda c: 405),
    "meetings:need_item_move": login_first(lambda c: 405),
    "meetings:need_item_confirm": login_first(lambda c: 405),
    "meetings:need_list_ready": login_first(lambda c: 405),
    "meetings:need_list_settings": login_first(lambda c: 405),
    # The stream refuses rather than sending the browser to sign in. Under the test
    # client (WSGI) those let in are told the stream is unavailable; what the stream
    # sends them is checked by audience in test_live_regions_of_each_audience.
    "meetings:live": lambda c: 403 if c.who == "anonymous" else meeting_page(c),
    "escalation:list": everyone(200),
    "escalation:detail": login_first(escalation_page),
    "escalation:propose": login_first(escalation_propose),
    "escalation:heads": login_first(escalation_page),  # the heads act; the others read
    "agreements:list": everyone(200),
    "agreements:verify": everyone(200),
    "agreements:minutes_pdf": login_first(meeting_page),
    "agreements:for_meeting": login_first(for_meeting),
    "agreements:detail": login_first(agreement_page),
    "agreements:amend": login_first(lambda c: 405),
    "agreements:version": login_first(agreement_page),
    "agreements:sign": login_first(lambda c: 405),
    "agreements:remind": login_first(lambda c: 405),  # the chair reminds by POST
    "agreements:pdf": login_first(agreement_pdf),
    "agreements:service_edit": login_first(service_edit),
    "monitoring:calendar": everyone(200),
    "monitoring:calendar_download": everyone(200),
    "monitoring:feed": lambda cell: 200,  # the secret in the address is the key
    "monitoring:meeting_ics": login_first(meeting_page),
    "monitoring:overview": everyone(200),
    "monitoring:performance": login_first(performance_page),
    "monitoring:review": login_first(review_page),
    "monitoring:report": login_first(performance_page),
    "monitoring:record": login_first(lambda c: 405),
    "monitoring:correct": login_first(lambda c: 405),
    "monitoring:explain": login_first(lambda c: 405),
    "monitoring:respond": login_first(lambda c: 405),
    "organisation:page": login_first(lambda c: 200 if c.who == "administrator" else 403),
    "organisation:act": login_first(lambda c: 405),
    "organisation:import": login_first(lambda c: 200 if c.who == "administrator" else 403),
    "organisation:accept": lambda c: 404,  # filled with a token that is not an invitation
    "organisation:first_run": lambda c: 404,  # filled with a token that is not the setup link
    "organisation:sso_start": lambda c: 404,  # single sign-on is not set up in tests
    "organisation:sso_callback": lambda c: 404,
    "meetings:glossary": everyone(200),
    "agreements:status_rules": login_first(lambda c: 405),  # the heads set it by POST
    "monitoring:api_tokens": everyone(200),  # explains itself to people who are not heads
    "monitoring:import": login_first(import_page),
    # The API answers systems holding a department's key, never a browser session.
    "api:api-root": lambda c: 404,
    "api:openapi-json": lambda c: 200,
    "api:list_services": lambda c: 401,
    "api:push_measurement": lambda c: 405,  # a POST
}


# The admin is for staff; none of these people is staff, so every admin page sends
# them to the admin's own sign-in (a new admin page needs no entry here).
def ADMIN_EXPECT(cell: Cell) -> int:
    return 200 if cell.pattern.key == "admin:login" else 302


def expectation(pattern: Pattern) -> Expect:
    return ADMIN_EXPECT if pattern.is_admin else EXPECT[pattern.key]


# --- filling parameters -----------------------------------------------------------------------


def fillings(pattern: Pattern, state: State | None, world: World) -> list[tuple[str, dict]]:
    """(variant, parameter values) for ``pattern`` from ``state``; [] when the state has none."""
    params = set(pattern.params)
    if pattern.is_admin:
        values = {"object_id": 1, "app_label": "meetings", "content_type_id": 1, "url": "none/"}
        return [("-", {name: values.get(name, 1) for name in params})]
    if state is None:
        if params == {"token"}:
            token = world.token if pattern.namespace == "monitoring" else "no-such-token"
            return [("-", {"token": token})]
        return [("-", {})] if not params else []
    if not params or params == {"token"}:
        return []
    meeting = state.meeting
    if pattern.namespace == "meetings" or params <= {"meeting_pk"}:
        if "list_pk" in params:
            result = []
            for side, need_list in (("a", state.list_a), ("b", state.list_b)):
                values = {"pk": meeting.pk, "list_pk": need_list.pk}
                if "item_pk" in params:
                    values["item_pk"] = state.items[side].pk
                result.append((side, values))
            return result
        values = {"pk": meeting.pk, "meeting_pk": meeting.pk, "action": "advance"}
        return [("-", {name: values[name] for name in params})]
    if pattern.namespace == "escalation":
        return [("-", {"pk": state.escalation.pk})] if state.escalation else []
    if state.sla is None:
        return []
    if "measurement_pk" in params:
        m = state.measurement
        return [("-", {"pk": state.sla.pk, "measurement_pk": m.pk})] if m else []
    if "explanation_pk" in params:
        e = state.explanation
        return [("-", {"pk": state.sla.pk, "explanation_pk": e.pk})] if e else []
    if "number" in params:
        result = []
        for version in state.versions:
            values = {"pk": state.sla.pk, "number": version.number}
            if "service_pk" in params:
                values["service_pk"] = state.services[version.number].pk
            result.append((f"v{version.number}", values))
        return result
    if "service_pk" in params:
        service = state.services[state.versions[-1].number]
        return [("-", {"pk": state.sla.pk, "service_pk": service.pk})]
    return [("-", {"pk": state.sla.pk})]


# --- the world, built once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once inside a transaction that is rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world) -> dict[str, Client]:
    result = {}
    for who in PEOPLE:
        client = Client()
        if who != "anonymous":
            client.force_login(world.people[who])
        result[who] = client
    return result


def body_text(response) -> str:
    """What a person reads: the page, or the text of a PDF."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def request(client: Client, path: str, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(path, headers=headers)


def run_cells(cells: list[tuple[Cell, str]], world: World, clients: dict[str, Client]) -> list[str]:
    """Request every cell; a page that varies on HX-Request is asked for again as htmx
    (the fragment a region swaps in), since fragments are rendered on their own."""
    problems = []
    for cell, path in cells:
        expected = expectation(cell.pattern)(cell)
        for htmx in (False, True):
            response = request(clients[cell.who], path, htmx=htmx)
            where = f"{'htmx ' if htmx else ''}GET {path} as {cell.who}"
            if cell.state is not None:
                where += f" ({cell.state.name}, {cell.variant})"
            if response.status_code >= 500:
                problems.append(f"{where}: server error {response.status_code}")
            elif response.status_code != expected:
                problems.append(f"{where}: {response.status_code}, expected {expected}")
            text = body_text(response)
            if leaks := world.canaries.leaks(text, cell.who):
                problems.append(f"{where}: leaks {[world.canaries.where[c] for c in leaks]}")
            SEEN.update(CANARY.findall(text))
            # A view that varies on HX-Request serves a fragment to htmx: ask for it too.
            if htmx or "HX-Request" not in response.get("Vary", ""):
                break
    return problems


SEEN: set[str] = set()


# The admin's one gate is ``is_staff``, and nobody here is staff: every admin page is
# asked for by these; the others ask for the admin's index (and the new URL check
# covers admin pages as a whole).
ADMIN_ASKERS = {"anonymous", "chair", "administrator", "manager_in"}


def cells_for(state: State | None, world: World) -> list[tuple[Cell, str]]:
    cells = []
    for pattern in all_patterns():
        for variant, values in fillings(pattern, state, world):
            path = _path(pattern.route, values)
            for who in PEOPLE:
                if pattern.is_admin and pattern.key != "admin:index" and who not in ADMIN_ASKERS:
                    continue
                cells.append((Cell(pattern, who, state, variant), path))
    return cells


# --- the tests --------------------------------------------------------------------------------


def test_every_url_has_an_expectation():
    keys = {p.key for p in all_patterns() if not p.is_admin}
    assert keys - EXPECT.keys() == set(), "add what each person should get from these URLs"
    assert EXPECT.keys() - keys == set(), "these URLs are gone: drop their expectations"


@pytest.mark.django_db
def test_urls_without_an_exchange(world, clients):
    cells = cells_for(None, world)
    problems = run_cells(cells, world, clients)
    CELLS["no state"] = len(cells)
    assert not problems, "\n".join(problems[:80])


@pytest.mark.django_db
@pytest.mark.parametrize("state_name", STATES)
def test_urls_of_an_exchange(world, clients, state_name):
    state = world.states[state_name]
    cells = cells_for(state, world)
    problems = run_cells(cells, world, clients)
    CELLS[state_name] = len(cells)
    assert not problems, "\n".join(problems[:80])


@pytest.mark.django_db
@pytest.mark.parametrize("state_name", STATES)
def test_live_regions_of_each_audience(world, state_name):
    """What the live screens are sent: each audience's regions carry only what
    every person in that audience may read."""
    state = world.states[state_name]
    meeting = state.meeting
    audiences: dict[str, list[str]] = {}
    for who in SIGNED_IN:
        if meeting_permissions.can_view_meeting(world.people[who], meeting):
            audience = meeting_views.audience_for(world.people[who], meeting)
            audiences.setdefault(audience, []).append(who)
    facilitated = state.meeting.facilitator_id is not None
    assert set(audiences.get("facilitator", [])) == ({"chair"} if facilitated else set())
    rendered = meeting_views.render_regions_many(meeting.pk, sorted(audiences))
    problems = []
    for audience, people in audiences.items():
        text = "".join(rendered[audience].values())
        SEEN.update(CANARY.findall(text))
        for who in people:
            leaks = world.canaries.leaks(text, who)
            if leaks:
                problems.append(f"live {audience} ({state_name}) to {who}: {leaks}")
    CELLS[f"live {state_name}"] = sum(len(p) for p in audiences.values())
    assert not problems, "\n".join(problems[:80])


@pytest.mark.django_db
def test_zz_every_canary_was_seen_by_someone_allowed_and_count(world):
    """A canary nobody ever saw proves nothing: each was planted where a reader meets it."""
    unseen = sorted(world.canaries.must_be_seen - SEEN)
    total = sum(CELLS.values())
    print(f"\npermission matrix: {total} URL x person x state cells ({CELLS})")
    assert unseen == [] or len(CELLS) < len(STATES) + 1, [world.canaries.where[c] for c in unseen]
