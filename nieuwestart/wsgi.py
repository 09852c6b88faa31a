"""WSGI entry point (gunicorn nieuwestart.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")
application = get_wsgi_application()

# Once the app is loaded: freeze it out of the garbage collector's way and collect less often
# (nieuwestart/core/collector.py; NIEUWESTART_GC_THRESHOLDS, docs/deployment.md).
from nieuwestart.core.collector import tune_for_serving  # noqa: E402

tune_for_serving()
