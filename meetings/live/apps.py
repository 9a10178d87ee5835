from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "meetings.live"
    label = "live"
    verbose_name = "Live meeting screens"

    def ready(self) -> None:
        # Django's documented place to connect listeners: models are loaded by now.
        from meetings import services
        from meetings.live.hub import event_committed

        if event_committed not in services.event_listeners:
            services.event_listeners.append(event_committed)
