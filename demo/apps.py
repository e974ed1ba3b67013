from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`). The top of the dependency order: it may import every app."""

    name = "demo"
    verbose_name = "Demo data"
