"""Log records as one JSON object per line (production) or as readable text (demo, tests).

Business rule: logs are operational data, not case data. A log line carries the time (ISO 8601,
UTC), level, logger, message and the request id; an access line adds method, path, route,
status, duration and the numeric user id. Never names, BSNs or query strings: the access log
writes the path without its query string, and every message and path passes through
`mask_numbers`, which replaces any stand-alone run of nine or more digits (a BSN is nine digits,
a phone number ten) by `[nummer]`. UUIDs in paths are kept whole. Structured fields are masked
too, also the strings inside a dict or list (the sign-in log's `signin` field is a dict).

This module imports only the standard library, so gunicorn's master process can use it
(deploy/gunicorn.conf.py) before Django is loaded.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
from typing import Any

# The id of the request being handled, set by nieuwestart.core.request_id.RequestIdMiddleware.
# A context variable, so every thread (gunicorn gthread workers) has its own.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "nieuwestart_request_id", default=None
)

LOG_FORMATS = ("json", "text")

# Attributes that `extra=` may add to a record and that the formatters write out. Anything else
# passed through `extra` is ignored, so a careless `extra={"person": ...}` stays out of the log.
STRUCTURED_FIELDS = ("method", "path", "route", "status", "duration_ms", "user_id", "signin")

# A UUID is kept whole (its last group may be twelve digits); any other stand-alone run of nine
# or more digits is masked.
_UUID_OR_NUMBER = re.compile(
    r"(?P<uuid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})"
    r"|(?<![0-9A-Za-z])[0-9]{9,}(?![0-9A-Za-z])"
)


def mask_numbers(text: str) -> str:
    """Replace stand-alone runs of nine or more digits (BSN-shaped numbers) by '[nummer]'."""
    return _UUID_OR_NUMBER.sub(lambda m: m.group("uuid") or "[nummer]", text)


def mask_value(value: Any) -> Any:
    """`mask_numbers` on a string, and on every key and string inside a dict, list or tuple."""
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {mask_value(key): mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [mask_value(item) for item in value]
    return value


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs 4xx/5xx responses ("Not Found: ...") after the middleware has
            # returned, with the request in `extra`: take the id from the request then.
            record.request_id = request_id_var.get() or getattr(
                getattr(record, "request", None), "request_id", None
            )
        return True


def _iso_utc(created: float) -> str:
    moment = dt.datetime.fromtimestamp(created, tz=dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector (Loki, Elastic, Splunk)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_numbers(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for field in STRUCTURED_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = mask_value(value)
        if record.exc_info:
            entry["exception"] = mask_numbers(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = mask_numbers(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One readable line: time, level, logger, [request id] message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_utc(record.created)

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return mask_numbers(super().format(record))


def logging_config(*, log_format: str, level: str = "INFO") -> dict[str, Any]:
    """The `logging.config.dictConfig` configuration for Django and gunicorn alike.

    Everything goes to standard error through one handler on the root logger: Django's own
    loggers and gunicorn's error log propagate to it. Django's development server logger is
    quietened to warnings, because it writes the request line with its query string; the
    request-id middleware writes the access line instead.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(
            f"NIEUWESTART_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}"
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "nieuwestart.core.logging.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "nieuwestart.core.logging.JsonFormatter"},
            "text": {"()": "nieuwestart.core.logging.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # No handlers of their own (Django's defaults are removed): they propagate to root.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            # gunicorn's access log is off (deploy/gunicorn.conf.py); never duplicate it.
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
