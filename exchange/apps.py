from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The project on top of every app: the home page and the demo command."""

    name = "exchange"
    verbose_name = "Expectations Exchange"
