"""One organisation with an exchange in every state, built once, with canaries.

Every text that may be read only by some people carries a unique canary
(``CNRY0001x``, ...) and the set of people who may read it. The matrix test
asks every page for every person and looks for canaries they may not read.

The people (keys of ``World.people``):

============  =======================================================
head_a        Fiona, head of Finance (A, calls every exchange)
member_a      Fergus, a member of Finance
head_b        Samira, head of Sales (B)
member_b      Sean, a member of Sales
chair         Priya, the facilitator of every exchange but the one called by a head
              (state "called": Fiona called it, no facilitator, the time still proposed;
              Fiona chairs it and must still not read Sales' list)
arbiter_in    Arthur, the chosen arbiter of the escalated request
arbiter_out   Aria, an arbiter of nothing here
manager_in    Margaret, a manager whose remit is Finance
manager_out   Mona, a manager whose remit is Operations only
unrelated     Olive, head of Operations, in no exchange
administrator Ada, who sets the organisation up (not staff, in no department)
anonymous     nobody signed in
============  =======================================================
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import TestCase
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import SLA, SLAService, SLAVersion
from escalation import services as escalation_services
from escalation.models import Escalation
from meetings import rules, services
from meetings.models import Meeting, Move, NeedItem, NeedList, Step
from monitoring.models import CalendarToken, Explanation, Measurement
from organisation.models import OrgRole
from tests.factories import PASSWORD, give_role, make_department, make_meeting, make_user
from tests.tasks import run_queued_tasks

PEOPLE = [
    "head_a",
    "member_a",
    "head_b",
    "member_b",
    "chair",
    "arbiter_in",
    "arbiter_out",
    "manager_in",
    "manager_out",
    "unrelated",
    "administrator",
    "anonymous",
]

# The meeting's steps, then what can happen after them.
STEPS = [
    Step.PREPARATION,
    Step.OPENING,
    Step.A_PRESENTS,
    Step.B_SUMMARISES,
    Step.B_PRESENTS,
    Step.A_SUMMARISES,
    Step.B_RESPONDS,
    Step.A_RESPONDS,
    Step.CLOSING,
    Step.CLOSED,
]
STATES = [str(s) for s in STEPS] + ["escalated", "signed", "superseded", "called"]

SIDE_A = frozenset({"head_a", "member_a"})
SIDE_B = frozenset({"head_b", "member_b"})

CANARY = re.compile(r"CNRY\d{4}x")


class Canaries:
    """Unique strings planted in private fields, each with who may read it."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.readers: dict[str, frozenset[str]] = {}
        self.where: dict[str, str] = {}
        self.must_be_seen: set[str] = set()  # by a reader somewhere, or it proves nothing

    def new(self, readers: frozenset[str], where: str, *, shown: bool = True) -> str:
        canary = f"CNRY{next(self._numbers):04d}x"
        self.readers[canary] = frozenset(readers)
        self.where[canary] = where
        if shown:
            self.must_be_seen.add(canary)
        return canary

    def leaks(self, text: str, who: str) -> list[str]:
        """The canaries in ``text`` that ``who`` may not read."""
        return sorted(
            {c for c in CANARY.findall(text) if who not in self.readers.get(c, frozenset())}
        )


@dataclass
class State:
    """The objects of one exchange in one state, to fill URL parameters with."""

    name: str
    meeting: Meeting
    list_a: NeedList
    list_b: NeedList
    items: dict[str, NeedItem] = field(default_factory=dict)  # "a" / "b": the last request
    escalation: Escalation | None = None
    sla: SLA | None = None
    versions: list[SLAVersion] = field(default_factory=list)
    services: dict[int, SLAService] = field(default_factory=dict)  # version number -> a service
    measurement: Measurement | None = None
    explanation: Explanation | None = None

    @property
    def step(self) -> str:
        return self.meeting.step

    def side_presented(self, side: str) -> bool:
        return rules.lists_are_presented(self.meeting, rules.Side(side))


@dataclass
class World:
    people: dict[str, Any]
    states: dict[str, State]
    canaries: Canaries
    token: str  # head_a's calendar feed


def _text_fields(canaries: Canaries, readers: frozenset[str], where: str) -> dict[str, Any]:
    """A request whose every text field is a canary."""

    def c(name: str) -> str:
        return f"{name} {canaries.new(readers, f'{where}.{name}')}"

    return {
        "service": c("service"),
        "benefit_department": c("benefit_department"),
        "benefit_organisation": c("benefit_organisation"),
        "cost_estimate": Decimal("1000"),
        "value_estimate": Decimal("10000"),
        "service_level": c("service_level"),
        "measure_what": c("measure_what"),
        "measure_kind": "share",
        "measure_threshold": Decimal("95"),
        "measure_frequency": "monthly",
    }


def _plain(side: str, index: int) -> dict[str, Any]:
    """A request that will be presented: its text is for everyone in the exchange."""
    return {
        "service": f"Request {index + 1} of side {side.upper()}",
        "benefit_department": "Saves time in the department.",
        "benefit_organisation": "Saves money across the organisation.",
        "cost_estimate": Decimal("1000"),
        "value_estimate": Decimal("10000"),
        "service_level": "Within two working days",
        "measure_what": "Share of requests handled in time",
        "measure_kind": "share",
        "measure_threshold": Decimal("95"),
        "measure_frequency": "monthly",
    }


def _presented_by_the_end(final: str, side: str, index: int) -> bool:
    """Whether request ``index`` of ``side`` will have been presented in state ``final``."""
    step = Step.B_RESPONDS if final == "escalated" else final
    if final in {"signed", "superseded"}:
        step = Step.CLOSED
    presents = Step.A_PRESENTS if side == "a" else Step.B_PRESENTS
    position, start = rules.STEP_ORDER.index(step), rules.STEP_ORDER.index(presents)
    return position > start or (position == start and index == 0)


def _people() -> dict[str, Any]:
    p = {
        "head_a": make_user("fiona", first_name="Fiona", last_name="Marsh"),
        "member_a": make_user("fergus", first_name="Fergus", last_name="Lane"),
        "head_b": make_user("sam", first_name="Samira", last_name="Okafor"),
        "member_b": make_user("sean", first_name="Sean", last_name="Doyle"),
        "chair": make_user("priya", first_name="Priya", last_name="Nair"),
        "arbiter_in": make_user("arthur", first_name="Arthur", last_name="Kemp"),
        "arbiter_out": make_user("aria", first_name="Aria", last_name="Stone"),
        "manager_in": make_user("margaret", first_name="Margaret", last_name="Hale"),
        "manager_out": make_user("mona", first_name="Mona", last_name="Reid"),
        "unrelated": make_user("olive", first_name="Olive", last_name="Grant"),
        "administrator": make_user("ada", first_name="Ada", last_name="Byron"),
        "anonymous": None,
    }
    finance = make_department("Finance", head=p["head_a"], members=[p["member_a"]])
    sales = make_department("Sales", head=p["head_b"], members=[p["member_b"]])
    operations = make_department("Operations", head=p["unrelated"])
    give_role(p["chair"], OrgRole.Role.FACILITATOR)
    give_role(p["arbiter_in"], OrgRole.Role.ARBITER)
    give_role(p["arbiter_out"], OrgRole.Role.ARBITER)
    give_role(p["manager_in"], OrgRole.Role.MANAGER, remit=[finance])
    give_role(p["manager_out"], OrgRole.Role.MANAGER, remit=[operations])
    give_role(p["administrator"], OrgRole.Role.ADMINISTRATOR)
    p["_finance"], p["_sales"] = finance, sales
    return p


def _prepare(
    meeting: Meeting, people: dict, canaries: Canaries, final: str, label: str = ""
) -> None:
    label = label or final
    lists = {
        "a": meeting.need_lists.get(department=meeting.department_a),
        "b": meeting.need_lists.get(department=meeting.department_b),
    }
    heads = {"a": people["head_a"], "b": people["head_b"]}
    readers = {"a": SIDE_A | {"chair"}, "b": SIDE_B | {"chair"}}
    for side in ("a", "b"):
        for index in range(2):
            if _presented_by_the_end(final, side, index):
                data = _plain(side, index)
            else:
                data = _text_fields(canaries, readers[side], f"{label}.{side}{index}")
            services.need_item_add(need_list=lists[side], by=heads[side], data=data)
        # Added, edited, then removed before the meeting: never presented, so its
        # record lines stay private to the department for good.
        # (Only its name is in the record: the other fields are nowhere to be read.)
        first = _plain(side, 9) | {
            "service": canaries.new(readers[side], f"{label}.{side}.removed.service")
        }
        removed = services.need_item_add(need_list=lists[side], by=heads[side], data=first)
        edited = first | {"service": canaries.new(readers[side], f"{label}.{side}.edited.service")}
        removed = services.need_item_update(item=removed, by=heads[side], data=edited, version=1)
        services.need_item_move(item=removed, by=heads[side], offset=-1)
        services.need_item_remove(item=removed, by=heads[side])
    # The note on why the meeting may be difficult: for the chair (and its author).
    services.need_list_update_settings(
        need_list=lists["a"],
        by=people["head_a"],
        members_may_edit=False,
        flagged_difficult=True,
        # (Shown to the chair while the lists are prepared; kept, unshown, after.)
        difficulty_note="Tense last time "
        + canaries.new(
            frozenset({"head_a", "chair"}),
            f"{label}.difficulty_note",
            shown=final == Step.PREPARATION,
        ),
    )
    services.need_list_set_ready(need_list=lists["a"], by=people["head_a"], ready=True)
    if final != Step.PREPARATION:
        services.need_list_set_ready(need_list=lists["b"], by=people["head_b"], ready=True)


def _finish_step(meeting: Meeting, people: dict) -> None:
    """Do what the current step needs, so that the chair may move on."""
    heads = {rules.Side.A: people["head_a"], rules.Side.B: people["head_b"]}
    step = meeting.step
    on_table = NeedItem.objects.filter(
        need_list__meeting=meeting,
        need_list__department=rules.department_of(meeting, rules.requests_side(step))
        if rules.requests_side(step)
        else None,
    )
    if step == Step.OPENING:
        for head in heads.values():
            services.meeting_acknowledge_rules(meeting=meeting, by=head)
    elif step in rules.PRESENTING:
        asker = heads[rules.other(rules.PRESENTING[step])]
        for item in on_table:
            services.meeting_set_current(meeting=meeting, by=people["chair"], item_id=item.pk)
            services.remark_ask(meeting=meeting, by=asker, item_id=item.pk, text="How soon?")
        for remark in meeting.remarks.filter(step=step):
            services.remark_answer(
                meeting=meeting,
                by=heads[rules.PRESENTING[step]],
                remark_id=remark.pk,
                answer="Within the week.",
            )
    elif step in rules.SUMMARISING:
        summariser = rules.SUMMARISING[step]
        for item in on_table:
            services.summary_write(
                meeting=meeting, by=heads[summariser], item_id=item.pk, text=f"You need {item}."
            )
            services.summary_confirm(
                meeting=meeting, by=heads[rules.other(summariser)], item_id=item.pk
            )
    elif step in rules.RESPONDING:
        for item in on_table:
            if not item.is_settled:
                services.response_yes(
                    meeting=meeting,
                    by=heads[rules.RESPONDING[step]],
                    item_id=item.pk,
                    start_date=dt.date(2027, 1, 4),
                )


def _drive(meeting: Meeting, people: dict, step: str) -> None:
    while meeting.step != step:
        if meeting.step == Step.CLOSING:
            services.meeting_close(meeting=meeting, by=people["chair"])
        else:
            if meeting.step != Step.PREPARATION:
                _finish_step(meeting, people)
            services.meeting_advance(meeting=meeting, by=people["chair"])
        meeting.refresh_from_db()


def _escalate(state: State, people: dict) -> None:
    """Sales says no to Finance's first request, and holds to it: it goes to Arthur."""
    meeting, item = state.meeting, state.list_a.items.order_by("position").first()
    head_a, head_b = people["head_a"], people["head_b"]
    services.response_no(
        meeting=meeting, by=head_b, item_id=item.pk, reason="resources", explanation="No one free."
    )
    for by, kind, text in [
        (head_a, Move.Kind.CHALLENGE, "It costs us more not to."),
        (head_b, Move.Kind.MAINTAIN, "Still no one free."),
        (head_a, Move.Kind.ASK_OFFER, ""),
        (head_b, Move.Kind.NO_OFFER, "Nothing this quarter."),
    ]:
        services.response_reply(meeting=meeting, by=by, item_id=item.pk, kind=kind, text=text)
    services.item_escalate(meeting=meeting, by=people["chair"], item_id=item.pk, note="Stuck.")
    escalation = Escalation.objects.get(item=item)
    escalation_services.escalation_propose_arbiter(
        escalation=escalation, by=people["chair"], arbiter=people["arbiter_in"]
    )
    for head in (head_a, head_b):
        escalation_services.escalation_respond_to_arbiter(
            escalation=escalation, by=head, accept=True
        )
    for head in (head_a, head_b):
        escalation_services.escalation_consent(escalation=escalation, by=head)
    state.escalation = Escalation.objects.get(pk=escalation.pk)


def _complete_and_sign(version: SLAVersion, people: dict) -> None:
    for service in SLAService.objects.filter(version=version):
        agreement_services.sla_service_update(
            service=service, by=people["chair"], data={"measured_by": "The provider's head"}
        )
    agreement_services.sla_sign(
        version=version, by=people["head_a"], password=PASSWORD, ip_address=None
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # enqueues the sealing
        agreement_services.sla_sign(
            version=version, by=people["head_b"], password=PASSWORD, ip_address=None
        )
    run_queued_tasks()  # the worker seals the PDF


def _agreement(state: State, people: dict) -> None:
    state.sla = SLA.objects.get(meeting=state.meeting)
    if state.name in {"signed", "superseded"}:
        _complete_and_sign(agreement_services.latest_version(state.sla), people)
    if state.name == "superseded":
        agreement_services.sla_amend(sla=state.sla, by=people["head_a"], reason="Reviewed early.")
        _complete_and_sign(agreement_services.latest_version(state.sla), people)
    state.versions = list(state.sla.versions.order_by("number"))
    for version in state.versions:
        state.services[version.number] = version.services.order_by("pk").first()
    if state.name == "signed":
        service = state.services[state.versions[-1].number]
        state.measurement = Measurement.objects.create(
            service=service,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 2, 1),
            value=Decimal("50"),
            value_text="50%",
            met=False,
            recorded_by=people["head_b"],
            recorded_at=timezone.now(),
        )
        state.explanation = Explanation.objects.create(
            measurement=state.measurement,
            what_happened="Two people were off sick.",
            fix="Cover arranged.",
            prevention="A second person is trained.",
            fix_by=dt.date(2027, 3, 1),
            written_by=people["head_b"],
            written_at=timezone.now(),
        )


def build_world() -> World:
    people = _people()
    canaries = Canaries()
    states: dict[str, State] = {}
    for name in STATES:
        if name == "called":
            meeting = services.meeting_call(
                by=people["head_a"],
                department_a=people["_finance"],
                department_b=people["_sales"],
                scheduled_for=timezone.now() + dt.timedelta(days=7),
                place="Board room",
                title=f"Exchange in state {name}",
            )
            _prepare(meeting, people, canaries, Step.PREPARATION, label=name)
            states[name] = State(
                name=name,
                meeting=Meeting.objects.select_related(
                    "department_a", "department_b", "facilitator"
                ).get(pk=meeting.pk),
                list_a=meeting.need_lists.get(department=meeting.department_a),
                list_b=meeting.need_lists.get(department=meeting.department_b),
                items={
                    side: meeting.need_lists.get(department=department)
                    .items.order_by("position")
                    .last()
                    for side, department in (
                        ("a", meeting.department_a),
                        ("b", meeting.department_b),
                    )
                },
            )
            continue
        meeting = make_meeting(
            department_a=people["_finance"],
            department_b=people["_sales"],
            facilitator=people["chair"],
            title=f"Exchange in state {name}",
        )
        _prepare(meeting, people, canaries, name)
        step = {"escalated": Step.B_RESPONDS, "signed": Step.CLOSED, "superseded": Step.CLOSED}
        _drive(meeting, people, step.get(name, name))
        state = State(
            name=name,
            meeting=meeting,
            list_a=meeting.need_lists.get(department=meeting.department_a),
            list_b=meeting.need_lists.get(department=meeting.department_b),
        )
        if name == "escalated":
            _escalate(state, people)
        if meeting.step == Step.CLOSED:
            _agreement(state, people)
        state.items = {
            "a": state.list_a.items.order_by("position").last(),
            "b": state.list_b.items.order_by("position").last(),
        }
        state.meeting = Meeting.objects.select_related(
            "department_a", "department_b", "facilitator"
        ).get(pk=meeting.pk)
        states[name] = state
    token = CalendarToken.objects.create(user=people["head_a"]).token
    return World(people=people, states=states, canaries=canaries, token=token)
