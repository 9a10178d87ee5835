from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        # Django's documented place to connect receivers: models are loaded by now.
        from django.db.models.signals import post_save

        from agreements import signals as agreement_signals
        from agreements.models import SLA
        from monitoring import receivers

        post_save.connect(
            receivers.keep_new_agreement, sender=SLA, dispatch_uid="monitoring.health_of_new"
        )
        agreement_signals.version_signed.connect(
            receivers.refresh_signed_agreement, dispatch_uid="monitoring.health_on_signing"
        )
