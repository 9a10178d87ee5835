from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalation"

    def ready(self) -> None:
        # Django's documented place to connect receivers: models are loaded by now.
        from escalation import receivers
        from meetings import permissions, signals

        signals.request_escalated.connect(
            receivers.open_escalation, dispatch_uid="escalation.open_escalation"
        )
        if receivers.arbiter_follows_meeting not in permissions.OBSERVER_CHECKS:
            permissions.OBSERVER_CHECKS.append(receivers.arbiter_follows_meeting)
