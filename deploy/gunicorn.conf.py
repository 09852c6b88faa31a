"""gunicorn settings for Nieuwe Start, read from the environment (docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py nieuwestart.wsgi

Workers are processes, threads serve requests inside each (gthread): the app is mostly waiting on
PostgreSQL, so a few threads per process use a CPU well. The access log is off: the request-id
middleware (nieuwestart/core/request_id.py) writes one access line per request with the request
id and the user id. gunicorn's own messages (boot, worker start and exit, time-outs) go through
the same formatter as the app's, so every line on standard error is JSON in production.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# The project root on sys.path, so the formatter can be imported before the app is loaded.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from nieuwestart.core.logging import logging_config  # noqa: E402


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _relaxed() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "ja", "on"}
        for name in ("NIEUWESTART_DEMO", "DJANGO_DEBUG", "NIEUWESTART_TESTING")
    )


bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"]  # noqa: S104 (in a pod)
worker_class = "gthread"
# One process per pod by default, and more pods (decision 0023): the ingress spreads requests
# over pods one by one, but a process keeps every keep-alive connection it accepted, so the
# processes of one server share the connections unevenly. On a machine without a balancer in
# front, set WEB_CONCURRENCY to the number of CPUs.
workers = _int("WEB_CONCURRENCY", 1)
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed with its worker (and logged): a hung request
# must not hold a worker forever. PDFs and the CSV import are the slowest requests (seconds).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (Kubernetes stops a pod) workers finish the requests they have for this long. Keep
# it below the pod's terminationGracePeriodSeconds (deploy/helm: 30 s).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Behind an ingress (keep-alive to the upstream): a little longer than the proxy's idle time-out.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Restart a worker after this many requests (with jitter) so slow memory growth cannot add up.
# Rarely: with one process per pod the pod answers nothing while its worker restarts (1 to 2 s
# measured), and a worker's memory stayed at 118 MB from its 10,000th to its 24,000th request
# (decision 0023).
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)
# Worker heartbeat files in memory, not on the (read-only) root filesystem.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
)

# Proxies whose X-Forwarded-* headers gunicorn trusts (comma-separated IPs or CIDRs); "*" only
# when the pod can be reached through the ingress alone (deploy/helm's NetworkPolicy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: no access log (the middleware writes it); the error log on standard error in the app's
# format (JSON unless NIEUWESTART_LOG_FORMAT says text, or demo/debug/testing mode is on).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = logging_config(
    log_format=os.environ.get("NIEUWESTART_LOG_FORMAT", "").strip().lower()
    or ("text" if _relaxed() else "json"),
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
)

# Python warnings become log records too, so no line on standard error escapes the format.
logging.captureWarnings(True)

# Load the app in each worker, not in the master: a database connection is never shared across
# a fork, and a worker that fails to import is restarted alone.
preload_app = False
# No runtime control socket: it would be written to $HOME, which is read-only in the container,
# and Kubernetes manages the pods.
control_socket_disable = True
# The request line is limited; a longer URL is refused (414) before Django sees it.
limit_request_line = 8190
