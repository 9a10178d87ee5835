import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Kept regions of the meeting page are rendered with this in place of a CSRF token, and
# each page puts in its reader's own token (``with_csrf``).
CSRF_PLACEHOLDER = "csrf-token-placeholder-00000000000000000000000000000000000000000"

_BETWEEN_TAGS = re.compile(r">[ \t\r\n]*\n[ \t\r\n]*<")


@register.filter
def with_csrf(region: str, token: object) -> SafeString:
    """A kept region (``meetings.views.page_regions``) with the reader's CSRF token in its
    forms: the one the rest of the page uses, so a page masks its token once."""
    return mark_safe(region.replace(CSRF_PLACEHOLDER, str(token)))


def compact(html: str) -> str:
    """``html`` without the templates' indentation: a run of blank space that holds a line
    break between two tags becomes one line break, which a browser shows the same way
    (no stylesheet here keeps white space as written). A meeting's page is a fifth
    smaller for it, and so is each live update."""
    return _BETWEEN_TAGS.sub(">\n<", html)


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
