from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        # Django's documented place to connect receivers: models are loaded by now.
        from agreements import receivers, signals
        from escalation import signals as escalation_signals
        from meetings import signals as meeting_signals

        meeting_signals.meeting_closed.connect(
            receivers.draft_from_closed_meeting, dispatch_uid="agreements.draft"
        )
        escalation_signals.outcome_recorded.connect(
            receivers.apply_escalation_outcome, dispatch_uid="agreements.escalation_outcome"
        )
        signals.version_signed.connect(
            receivers.seal_signed_version, dispatch_uid="agreements.seal"
        )
