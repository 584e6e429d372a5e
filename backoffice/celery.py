import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")

app = Celery("backoffice")
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_startup_objects(**_kwargs) -> None:
    """Keep the garbage collector off what every worker process holds for its whole life (Django, Celery,
    the apps' modules): a sync batch builds thousands of small objects, each collection of the oldest
    generation walked all of those again, and that was a fifth of the worker's time per batch (bench_sync)."""
    gc.freeze()
