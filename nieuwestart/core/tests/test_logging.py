"""Structured logs: an operator can parse every line, follow a request by its id, and never finds
a BSN or a name in the log."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from nieuwestart.core.logging import JsonFormatter, RequestIdFilter, mask_numbers
from tests.fresh_settings import run_django

BSN = "999999990"  # an RvIG test BSN


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The root logger's records, formatted exactly as production writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    # Every line must be one JSON object: json.loads fails the test otherwise.
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _access(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in _lines(stream) if line["logger"] == "nieuwestart.access"]


def test_each_request_writes_one_json_access_line(client: Any, json_log: io.StringIO) -> None:
    response = client.get("/account/inloggen")

    assert response.status_code == 200
    [line] = _access(json_log)
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/account/inloggen"
    assert line["route"] == "account/inloggen"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert "user_id" not in line
    moment = dt.datetime.fromisoformat(line["time"])
    assert moment.utcoffset() == dt.timedelta(0)
    assert line["time"].endswith("Z")
    assert abs((dt.datetime.now(dt.UTC) - moment).total_seconds()) < 60


def test_a_sane_incoming_request_id_is_kept_and_returned(
    client: Any, json_log: io.StringIO
) -> None:
    incoming = "ingress-" + uuid.uuid4().hex

    response = client.get("/account/inloggen", headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] == incoming
    [line] = _access(json_log)
    assert line["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [None, "", "kort", "x" * 129, "spatie in het id 1234567", 'quote"injectie-1234567890'],
)
def test_a_missing_or_odd_request_id_is_replaced_by_a_uuid4(
    client: Any, json_log: io.StringIO, incoming: str | None
) -> None:
    headers = {} if incoming is None else {"X-Request-ID": incoming}

    response = client.get("/account/inloggen", headers=headers)

    generated = response["X-Request-ID"]
    assert generated != incoming
    assert uuid.UUID(generated).version == 4
    [line] = _access(json_log)
    assert line["request_id"] == generated


def test_records_written_during_a_request_carry_its_id(client: Any, json_log: io.StringIO) -> None:
    # An unknown address: Django's request logger warns "Not Found" while handling the request.
    response = client.get("/bestaat-niet", headers={"X-Request-ID": "a" * 32})

    assert response.status_code == 404
    lines = _lines(json_log)
    warning = next(line for line in lines if line["logger"] == "django.request")
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == "a" * 32
    assert all(line["request_id"] == "a" * 32 for line in lines)


def test_no_bsn_or_query_string_reaches_the_log(client: Any, json_log: io.StringIO) -> None:
    client.get(f"/account/inloggen?bsn={BSN}&naam=Jan+de+Vries")
    client.get(f"/trajecten/{BSN}/overzicht?zoek={BSN}")

    text = json_log.getvalue()
    assert BSN not in text
    assert "Vries" not in text
    assert "naam=" not in text
    paths = [line["path"] for line in _access(json_log)]
    assert paths == ["/account/inloggen", "/trajecten/[nummer]/overzicht"]


def _without_request_ids(stream: io.StringIO) -> str:
    # A request id is a UUID, whose last group may hold nine digits in a row by chance.
    return json.dumps(
        [{k: v for k, v in line.items() if k != "request_id"} for line in _lines(stream)]
    )


def test_structured_fields_are_masked_inside_dicts_and_lists(json_log: io.StringIO) -> None:
    logging.getLogger("nieuwestart.signin").warning(
        "sign-in",
        extra={"signin": {"username": BSN, "detail": [f"fout {BSN}", 42], f"nr {BSN}": None}},
    )

    [line] = _lines(json_log)
    assert line["signin"] == {
        "username": "[nummer]",
        "detail": ["fout [nummer]", 42],
        "nr [nummer]": None,
    }
    assert BSN not in json_log.getvalue()


@pytest.mark.django_db
def test_a_bsn_typed_as_username_does_not_reach_the_log(client: Any, json_log: io.StringIO) -> None:
    client.post("/account/inloggen", {"username": BSN, "password": "fout"})

    lines = _lines(json_log)
    assert any(line["logger"] == "nieuwestart.signin" for line in lines)
    assert re.search(r"(?<![0-9])[0-9]{9}(?![0-9])", _without_request_ids(json_log)) is None


def test_the_signed_in_user_is_logged_by_id_not_by_name(
    client: Any, json_log: io.StringIO, alice: Any, settings: Any
) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)

    response = client.get("/")

    assert response.status_code == 200
    [line] = _access(json_log)
    assert line["user_id"] == alice.pk
    # The access line; a sign-in event may name the account (nieuwestart.signin), a request not.
    text = json.dumps(line)
    assert alice.username not in text
    assert alice.first_name not in text
    assert alice.email not in text


def test_an_api_call_is_logged_with_the_token_user(
    api: Any, json_log: io.StringIO, alice: Any
) -> None:
    response = api(alice).get("/api/v1/trajecten")

    assert response.status_code == 200
    [line] = _access(json_log)
    assert line["user_id"] == alice.pk
    assert line["route"] == "api/v1/trajecten"


def test_successful_health_probes_are_debug_and_failures_info(
    client: Any, json_log: io.StringIO
) -> None:
    client.get("/gezond/leeft")

    [line] = _access(json_log)
    assert line["level"] == "DEBUG"
    assert line["status"] == 200


def test_an_exception_is_one_json_line_with_the_traceback(json_log: io.StringIO) -> None:
    try:
        raise ValueError(f"kapot bij {BSN}")
    except ValueError:
        logging.getLogger("nieuwestart.test").exception("fout voor persoon %s", BSN)

    [line] = _lines(json_log)
    assert line["level"] == "ERROR"
    assert line["message"] == "fout voor persoon [nummer]"
    assert "ValueError: kapot bij [nummer]" in line["exception"]
    assert BSN not in json_log.getvalue()


def test_masking_keeps_uuids_dates_and_short_numbers() -> None:
    path = "/trajecten/12345678-1234-1234-1234-123456789012/plan"
    assert mask_numbers(path) == path
    assert mask_numbers(f"{path}?bsn={BSN}") == f"{path}?bsn=[nummer]"
    assert mask_numbers("2026-11-22 10:00, 25000 meldingen") == "2026-11-22 10:00, 25000 meldingen"
    assert mask_numbers(f"bsn {BSN}, telefoon 0880001234") == "bsn [nummer], telefoon [nummer]"


LOG_ONE = (
    "import logging\n"
    "from django.conf import settings\n"
    "print(settings.LOG_FORMAT)\n"
    "logging.getLogger('nieuwestart.test').warning('hallo %s', 'wereld')\n"
)


def test_production_logs_json_to_stderr_by_default() -> None:
    result = run_django({"DJANGO_SECRET_KEY": "x" * 50}, LOG_ONE)

    assert result.stdout.strip() == "json"
    [line] = [json.loads(raw) for raw in result.stderr.splitlines()]
    assert line["message"] == "hallo wereld"
    assert line["logger"] == "nieuwestart.test"
    assert line["level"] == "WARNING"
    assert line["request_id"] is None


def test_demo_logs_text_by_default_and_the_variable_overrides() -> None:
    demo = run_django({"NIEUWESTART_DEMO": "1"}, LOG_ONE)
    assert demo.stdout.strip() == "text"
    assert "WARNING nieuwestart.test [-] hallo wereld" in demo.stderr

    forced = run_django({"NIEUWESTART_DEMO": "1", "NIEUWESTART_LOG_FORMAT": "json"}, LOG_ONE)
    assert json.loads(forced.stderr)["message"] == "hallo wereld"


def test_an_unknown_log_format_stops_start_up() -> None:
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_django({"NIEUWESTART_DEMO": "1", "NIEUWESTART_LOG_FORMAT": "xml"}, "pass")
    assert "NIEUWESTART_LOG_FORMAT must be one of json, text" in failure.value.stderr
