from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        # Django's documented place to connect receivers: models are loaded by now.
        from agreements import signals as agreement_signals
        from monitoring import receivers

        agreement_signals.version_signed.connect(
            receivers.refresh_signed_agreement, dispatch_uid="monitoring.health_on_signing"
        )
