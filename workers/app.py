"""The Celery app. Importing it sets Django up, so tasks can use the apps' services."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from celery import Celery
from kombu import Queue

# platform/ is a source root (see manage.py): make `glassbox` importable in the worker too.
_PLATFORM = str(Path(__file__).resolve().parents[1] / "platform")
if _PLATFORM not in sys.path:
    sys.path.insert(0, _PLATFORM)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glassbox.config.settings.dev")

app = Celery("glassbox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("gpu"))
app.conf.task_routes = {"workers.tasks.run_evaluation": {"queue": "gpu"}}
app.conf.imports = ("workers.tasks", "workers.transparency_tasks", "workers.schedule_tasks", "workers.demo_tasks")
app.conf.broker_connection_retry_on_startup = True
app.conf.worker_hijack_root_logger = False
app.conf.beat_schedule = {
    "requeue-stale-runs": {"task": "workers.tasks.requeue_stale_runs", "schedule": 60.0,
                           "options": {"queue": "default"}},
    "requeue-stale-demo": {"task": "workers.demo_tasks.requeue_stale_demo", "schedule": 60.0,
                           "options": {"queue": "default"}},
}


def _make_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message is sent."""
    from django.conf import settings

    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)


_make_broker_folders()
