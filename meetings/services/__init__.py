"""Every write to an exchange goes through these services, grouped by stage.

- ``calling``: a head calls an exchange; the time answered, a facilitator invited.
- ``preparation``: scheduling an exchange, need lists.
- ``conduct``: steps, presenting, questions and summaries.
- ``negotiation``: yes, counter-offers, justified noes, escalation.
- ``closing``: closing the meeting.

``base`` holds what they share: the meeting lock, the person's part, the record.
Callers use ``from meetings import services`` and ``services.<name>``.
"""

from meetings.services.base import Outcome, StaleEdit, event_listeners
from meetings.services.calling import (
    CallError,
    meeting_call,
    meeting_facilitator_invite,
    meeting_invitation_answer,
    meeting_time_accept,
    meeting_time_propose,
)
from meetings.services.closing import meeting_close
from meetings.services.conduct import (
    meeting_acknowledge_rules,
    meeting_advance,
    meeting_next_request,
    meeting_set_current,
    meeting_set_timebox,
    meeting_signal_ready,
    meeting_undo_advance,
    remark_answer,
    remark_ask,
    remark_strike,
    summary_clarify,
    summary_confirm,
    summary_write,
)
from meetings.services.negotiation import (
    REPLY_TEXT,
    item_escalate,
    item_settle_by_arbiter,
    response_counter,
    response_no,
    response_reply,
    response_yes,
)
from meetings.services.preparation import (
    ITEM_FIELDS,
    ScheduleError,
    meeting_schedule,
    need_item_add,
    need_item_confirm,
    need_item_move,
    need_item_remove,
    need_item_update,
    need_list_remind,
    need_list_set_ready,
    need_list_update_settings,
)

__all__ = [
    "ITEM_FIELDS",
    "REPLY_TEXT",
    "CallError",
    "Outcome",
    "ScheduleError",
    "StaleEdit",
    "event_listeners",
    "item_escalate",
    "item_settle_by_arbiter",
    "meeting_acknowledge_rules",
    "meeting_advance",
    "meeting_call",
    "meeting_close",
    "meeting_facilitator_invite",
    "meeting_invitation_answer",
    "meeting_next_request",
    "meeting_schedule",
    "meeting_set_current",
    "meeting_set_timebox",
    "meeting_signal_ready",
    "meeting_time_accept",
    "meeting_time_propose",
    "meeting_undo_advance",
    "need_item_add",
    "need_item_confirm",
    "need_item_move",
    "need_item_remove",
    "need_item_update",
    "need_list_remind",
    "need_list_set_ready",
    "need_list_update_settings",
    "remark_answer",
    "remark_ask",
    "remark_strike",
    "response_counter",
    "response_no",
    "response_reply",
    "response_yes",
    "summary_clarify",
    "summary_confirm",
    "summary_write",
]
