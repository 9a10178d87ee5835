"""The state machine on its own: every step, every action, every role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import rules
from meetings.models import ItemStatus, Move, Step
from meetings.rules import Role, RuleError

F, HA, HB, MA, MB, OB = (
    Role.FACILITATOR,
    Role.HEAD_A,
    Role.HEAD_B,
    Role.MEMBER_A,
    Role.MEMBER_B,
    Role.OBSERVER,
)
ALL_ROLES = [F, HA, HB, MA, MB, OB, None]

# Who may take each action in each step (with a request of the side on the table).
EXPECTED: dict[str, dict[str, set]] = {
    Step.PREPARATION: {
        "edit_needs": {HA, HB, MA, MB},
        "mark_ready": {HA, HB},
        "unmark_ready": {HA, HB},
        "flag_difficult": {HA, HB},
        "advance": {F},
    },
    Step.OPENING: {"acknowledge_rules": {HA, HB}, "advance": {F}, "undo_advance": {F}},
    Step.A_PRESENTS: {
        "set_current": {F},
        "ask_question": {HB},
        "answer_question": {HA},
        "strike_remark": {F},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.B_SUMMARISES: {
        "set_current": {F},
        "write_summary": {HB},
        "confirm_summary": {HA},
        "clarify_summary": {HA},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.B_PRESENTS: {
        "set_current": {F},
        "ask_question": {HA},
        "answer_question": {HB},
        "strike_remark": {F},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.A_SUMMARISES: {
        "set_current": {F},
        "write_summary": {HA},
        "confirm_summary": {HB},
        "clarify_summary": {HB},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.B_RESPONDS: {
        "set_current": {F},
        "negotiate": {HA, HB},
        "escalate": {F, HA, HB},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.A_RESPONDS: {
        "set_current": {F},
        "negotiate": {HA, HB},
        "escalate": {F, HA, HB},
        "advance": {F},
        "undo_advance": {F},
    },
    Step.CLOSING: {"close": {F}, "undo_advance": {F}},
    Step.CLOSED: {},
}

# The chair sets a time box in every step from the opening to the closing; both heads
# signal that they are done while requests are presented and summarised.
for _step in rules.STEP_ORDER[1:-1]:
    EXPECTED[_step]["set_timebox"] = {F}
for _step in (*rules.PRESENTING, *rules.SUMMARISING):
    EXPECTED[_step]["signal_ready"] = {HA, HB}


def expected_for(step: str, chair: Role) -> dict[str, set]:
    """``EXPECTED`` for a meeting chaired by ``chair``: the facilitator, or A's head."""
    if chair == F:
        return EXPECTED[step]
    expected = {
        action: {HA if role == F else role for role in roles}
        for action, roles in EXPECTED[step].items()
    }
    if step == Step.PREPARATION:
        expected["invite_facilitator"] = {HA, HB}
    return expected


def fake_meeting(
    step: str, *, facilitator: bool = True, awaits: str = "", invited: bool = False
) -> SimpleNamespace:
    """A meeting at ``step``: with a facilitator who accepted, or (``facilitator=False``)
    none, or one ``invited`` who has not answered; ``awaits`` is the side whose answer
    to the proposed time is awaited."""
    finance = SimpleNamespace(pk=1, name="Finance")
    sales = SimpleNamespace(pk=2, name="Sales")
    named = facilitator or invited
    return SimpleNamespace(
        step=step,
        department_a=finance,
        department_b=sales,
        department_a_id=1,
        department_b_id=2,
        current_item_id=7,  # fake_item's: the request on the table is the one discussed
        facilitator_id=9 if named else None,
        facilitator_invited=invited,
        has_facilitator=named and not invited,
        time_awaits=awaits,
        is_proposed=bool(awaits),
        need_lists=SimpleNamespace(all=lambda: []),
    )


def fake_item(side: str, status: str = ItemStatus.AWAITING_RESPONSE) -> SimpleNamespace:
    department_id = 1 if side == "a" else 2
    return SimpleNamespace(
        pk=7,
        need_list=SimpleNamespace(department_id=department_id),
        status=status,
        service="A request",
        get_status_display=lambda: ItemStatus(status).label,
    )


def table_item(meeting, status=ItemStatus.COUNTER_REJECTED):
    side = rules.requests_side(meeting.step)
    return fake_item(str(side), status) if side else None


def test_step_order_is_the_exchange_in_domain_order():
    assert rules.STEP_ORDER == [
        "preparation",
        "opening",
        "a_presents",
        "b_summarises",
        "b_presents",
        "a_summarises",
        "b_responds",
        "a_responds",
        "closing",
        "closed",
    ]
    assert rules.next_step(Step.CLOSED) is None
    assert rules.previous_step(Step.PREPARATION) is None


def test_step_labels_use_the_real_department_names():
    meeting = fake_meeting(Step.A_PRESENTS)
    assert rules.step_label(meeting) == "Finance presents"
    assert rules.step_label(meeting, Step.B_SUMMARISES) == "Sales summarises Finance's requests"
    assert rules.step_label(meeting, Step.A_RESPONDS) == "Finance responds to Sales' requests"


@pytest.mark.parametrize("chair", [F, HA], ids=["facilitator_chairs", "head_a_chairs"])
@pytest.mark.parametrize("step", rules.STEP_ORDER)
@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: str(r))
def test_who_may_do_what_in_each_step(step, role, chair):
    meeting = fake_meeting(step, facilitator=chair == F)
    assert rules.chair_role(meeting) == chair
    item = table_item(meeting)
    for action in rules.ACTIONS:
        expected = role in expected_for(step, chair).get(action, set())
        needs_item = action in {
            "set_current",
            "ask_question",
            "answer_question",
            "write_summary",
            "confirm_summary",
            "clarify_summary",
            "negotiate",
            "escalate",
        }
        assert rules.allowed(meeting, role, action, item if needs_item else None) is expected, (
            step,
            role,
            action,
        )


@pytest.mark.parametrize("chair", [F, HA], ids=["facilitator_chairs", "head_a_chairs"])
@pytest.mark.parametrize("step", rules.STEP_ORDER)
def test_a_refusal_out_of_step_is_409_and_by_the_wrong_person_403(step, chair):
    meeting = fake_meeting(step, facilitator=chair == F)
    expected = expected_for(step, chair)
    for action, allowed_roles in expected.items():
        for role in set(ALL_ROLES) - allowed_roles:
            with pytest.raises(RuleError) as refusal:
                rules.check(meeting, role, action, table_item(meeting))
            assert refusal.value.status == 403
            assert refusal.value.message
    for action in set(rules.ACTIONS) - set(expected):
        with pytest.raises(RuleError) as refusal:
            rules.check(meeting, chair, action, table_item(meeting))
        assert refusal.value.status in (403, 409)


def test_only_the_requests_on_the_table_can_be_acted_on():
    meeting = fake_meeting(Step.B_RESPONDS)  # A's requests are on the table
    with pytest.raises(RuleError) as refusal:
        rules.check(meeting, HA, "negotiate", fake_item("b"))
    assert refusal.value.status == 409
    assert "not on the table" in refusal.value.message


def test_escalation_only_at_an_impasse():
    meeting = fake_meeting(Step.B_RESPONDS)
    for status in ItemStatus.values:
        item = fake_item("a", status)
        assert rules.allowed(meeting, F, "escalate", item) is (status in rules.ESCALATABLE)


def test_whose_turn_names_the_departments():
    assert "Sales answers each of Finance's requests" in rules.whose_turn(
        fake_meeting(Step.B_RESPONDS)
    )


# --- negotiation ------------------------------------------------------------------

PATHS = [
    ([("responder", Move.Kind.YES)], ItemStatus.AGREED),
    (
        [("responder", Move.Kind.COUNTER), ("requester", Move.Kind.ACCEPT_COUNTER)],
        ItemStatus.AGREED,
    ),
    (
        [
            ("responder", Move.Kind.COUNTER),
            ("requester", Move.Kind.REJECT_COUNTER),
            ("responder", Move.Kind.COUNTER),
            ("requester", Move.Kind.ACCEPT_COUNTER),
        ],
        ItemStatus.AGREED,
    ),
    ([("responder", Move.Kind.NO), ("requester", Move.Kind.ACCEPT_NO)], ItemStatus.WITHDRAWN),
    (
        [
            ("responder", Move.Kind.NO),
            ("requester", Move.Kind.CHALLENGE),
            ("responder", Move.Kind.MAINTAIN),
            ("requester", Move.Kind.ASK_OFFER),
            ("responder", Move.Kind.NO_OFFER),
        ],
        ItemStatus.IMPASSE,
    ),
    (
        [
            ("responder", Move.Kind.NO),
            ("requester", Move.Kind.CHALLENGE),
            ("responder", Move.Kind.YES),
        ],
        ItemStatus.AGREED,
    ),
]


def _role_for(party: str, meeting, item) -> Role:
    requester = rules.side_of_item(meeting, item)
    side = requester if party == "requester" else rules.other(requester)
    return rules.head_role(side)


@pytest.mark.parametrize(("moves", "final"), PATHS)
def test_negotiation_paths(moves, final):
    meeting = fake_meeting(Step.B_RESPONDS)
    item = fake_item("a")
    for party, kind in moves:
        item.status = rules.negotiation_next(meeting, item, _role_for(party, meeting, item), kind)
    assert item.status == final


def test_the_other_party_cannot_make_the_responders_move():
    meeting = fake_meeting(Step.B_RESPONDS)
    item = fake_item("a")
    with pytest.raises(RuleError) as refusal:
        rules.negotiation_next(meeting, item, HA, Move.Kind.YES)
    assert refusal.value.status == 403
    assert "Sales' turn" in refusal.value.message


def test_waiting_on_names_the_side_with_the_next_move():
    meeting = fake_meeting(Step.A_RESPONDS)  # B's requests, A responds
    assert rules.negotiation_waiting_on(meeting, fake_item("b")) == rules.Side.A
    counter = fake_item("b", ItemStatus.COUNTER_OFFERED)
    assert rules.negotiation_waiting_on(meeting, counter) == rules.Side.B
    assert rules.negotiation_waiting_on(meeting, fake_item("b", ItemStatus.AGREED)) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([HA, HB, F, MB]), st.sampled_from(Move.Kind.values))))
def test_any_sequence_of_clicks_keeps_the_negotiation_consistent(clicks):
    """Whatever anyone clicks, a request only moves along the table, and settled stays settled."""
    meeting = fake_meeting(Step.B_RESPONDS)
    item = fake_item("a")
    for role, kind in clicks:
        before = item.status
        try:
            item.status = rules.negotiation_next(meeting, item, role, kind)
        except RuleError as refusal:
            assert refusal.status in (403, 409)
            assert item.status == before
            continue
        assert (before, kind) in rules.NEGOTIATION
        assert rules.negotiation_party(meeting, item, role) == rules.NEGOTIATION[(before, kind)][0]
        assert before not in {ItemStatus.AGREED, ItemStatus.WITHDRAWN}
    assert item.status in ItemStatus.values
