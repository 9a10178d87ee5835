from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from organisation import paths  # URL modules load after this, and use the converter

        paths.register()
