"""Reading what the worker sent: each subject with who received it."""

from __future__ import annotations


def sent(mailoutbox, run_tasks) -> dict[str, set[str]]:
    """Run the worker's tasks; then each subject sent, with who received it."""
    run_tasks()
    by_subject: dict[str, set[str]] = {}
    for message in mailoutbox:
        assert len(message.to) == 1  # one person an email
        by_subject.setdefault(message.subject, set()).update(message.to)
    return by_subject


def to(mailoutbox, address: str):
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message
