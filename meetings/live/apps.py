from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "meetings.live"
    label = "live"
    verbose_name = "Live meeting screens"

    def ready(self) -> None:
        # Django's documented place to connect listeners: models are loaded by now.
        from meetings import services
        from meetings.live import receivers
        from meetings.live.hub import event_committed
        from organisation import signals as organisation_signals

        if event_committed not in services.event_listeners:
            services.event_listeners.append(event_committed)
        organisation_signals.person_deactivated.connect(
            receivers.close_streams_of_deactivated, dispatch_uid="live.deactivated"
        )
