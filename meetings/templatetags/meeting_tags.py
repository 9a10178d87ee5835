from django import template

register = template.Library()

MOVE_ACTION_LABELS = {
    "yes": "Yes",
    "counter": "Make a counter-offer",
    "no": "No, with reasons",
    "accept_counter": "Accept the counter-offer",
    "reject_counter": "Reject the counter-offer",
    "accept_no": "Accept the no (withdraw the request)",
    "challenge": "Challenge the reasons",
    "maintain": "Maintain the no",
    "ask_offer": "Ask what they can offer instead",
    "no_offer": "Nothing can be offered",
    "withdraw": "Withdraw the request",
}

# Moves whose reason is required, and the prompt for it.
MOVE_TEXT_PROMPTS = {
    "reject_counter": "Why the counter-offer does not meet the need",
    "challenge": "What in the reasons you challenge",
    "maintain": "Why the no stands",
    "no_offer": "Why nothing can be offered",
}


@register.filter
def move_action_label(kind: str) -> str:
    return MOVE_ACTION_LABELS.get(kind, kind)


@register.filter
def move_text_prompt(kind: str) -> str:
    return MOVE_TEXT_PROMPTS.get(kind, "")


@register.filter
def side_class(side: str) -> str:
    return {"a": "a", "b": "b"}.get(str(side), "")
