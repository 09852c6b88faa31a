"""The waiting-list rules as pure functions: no database, fixed dates."""

from __future__ import annotations

import datetime as dt

from nieuwestart.referrals import waiting
from nieuwestart.referrals.waiting import WaitFacts

TODAY = dt.date(2026, 11, 23)
RELEASE = dt.date(2027, 3, 15)


def facts(**overrides: object) -> WaitFacts:
    base: dict[str, object] = {
        "kind": "begeleid-wonen",
        "status": "op-wachtlijst",
        "referred_on": dt.date(2026, 11, 9),
        "expected_start": None,
        "actual_start": None,
        "release_date": RELEASE,
        "released": False,
    }
    base.update(overrides)
    return WaitFacts(**base)  # type: ignore[arg-type]


def codes(assessment: waiting.Assessment) -> list[str]:
    return [s.code for s in assessment.signals]


def test_days_waiting_counts_until_today_while_open():
    assert waiting.days_waiting(facts(), TODAY) == 14


def test_days_waiting_stops_at_the_actual_start():
    started = facts(status="gestart", actual_start=dt.date(2026, 11, 20))
    assert waiting.days_waiting(started, dt.date(2027, 6, 1)) == 11


def test_rejected_or_withdrawn_referral_has_no_waiting_days_and_no_signal():
    for status in ("afgewezen", "ingetrokken"):
        result = waiting.assess(facts(status=status, expected_start=dt.date(2027, 9, 1)), TODAY)
        assert result.days_waiting is None
        assert result.signals == []


def test_expected_start_after_release_threatens_a_release_without_a_place():
    result = waiting.assess(facts(expected_start=dt.date(2027, 4, 1)), TODAY)
    assert codes(result) == [waiting.NO_PLACE_AT_RELEASE]
    assert result.at_risk
    assert "17 dagen na de vrijlating" in result.signals[0].explanation


def test_expected_start_on_the_release_date_is_in_time():
    result = waiting.assess(facts(expected_start=RELEASE), TODAY)
    assert result.signals == []
    assert not result.at_risk


def test_unknown_start_is_a_threat_only_when_release_is_within_six_weeks():
    far = waiting.assess(facts(release_date=TODAY + dt.timedelta(days=43)), TODAY)
    near = waiting.assess(facts(release_date=TODAY + dt.timedelta(days=42)), TODAY)
    assert far.signals == []
    assert codes(near) == [waiting.NO_PLACE_AT_RELEASE]
    assert "nog onbekend" in near.signals[0].explanation


def test_unknown_release_date_gives_no_release_signal():
    result = waiting.assess(facts(release_date=None, expected_start=dt.date(2027, 9, 1)), TODAY)
    assert result.signals == []


def test_released_without_a_place_comes_first():
    result = waiting.assess(
        facts(released=True, release_date=dt.date(2026, 11, 1), expected_start=dt.date(2027, 1, 5)),
        TODAY,
    )
    assert codes(result) == [waiting.RELEASED_WITHOUT_PLACE]
    assert result.rank == 0
    assert result.signals[0].label == "Vrijgelaten zonder plek"


def test_supervision_speaks_of_supervision_not_of_a_place():
    result = waiting.assess(
        facts(kind="reclasseringstoezicht", expected_start=dt.date(2027, 5, 1)), TODAY
    )
    assert result.signals[0].label == "Dreigt vrijlating zonder toezicht"


def test_passed_expected_start_asks_for_an_update():
    result = waiting.assess(facts(expected_start=dt.date(2026, 11, 20)), TODAY)
    assert codes(result) == [waiting.START_PASSED]
    assert not result.at_risk


def test_long_wait_from_thirteen_weeks():
    short = waiting.assess(facts(referred_on=TODAY - dt.timedelta(days=90)), TODAY)
    long = waiting.assess(facts(referred_on=TODAY - dt.timedelta(days=91)), TODAY)
    assert short.signals == []
    assert codes(long) == [waiting.LONG_WAIT]
    assert long.signals[0].explanation == "Wacht al 13 weken."


def test_several_signals_rank_by_the_most_urgent():
    result = waiting.assess(
        facts(
            referred_on=dt.date(2026, 1, 5),
            expected_start=dt.date(2026, 10, 1),
            released=True,
            release_date=dt.date(2026, 11, 1),
        ),
        TODAY,
    )
    assert codes(result) == [
        waiting.RELEASED_WITHOUT_PLACE,
        waiting.START_PASSED,
        waiting.LONG_WAIT,
    ]
    assert result.main_signal is not None
    assert result.main_signal.code == waiting.RELEASED_WITHOUT_PLACE


def test_is_released_by_phase_or_by_a_passed_release_date():
    assert waiting.is_released(None, True, TODAY)
    assert waiting.is_released(dt.date(2026, 11, 22), False, TODAY)
    assert not waiting.is_released(TODAY, False, TODAY)
    assert not waiting.is_released(None, False, TODAY)


def validate(**overrides: object) -> list[tuple[str, str]]:
    base: dict[str, object] = {
        "status": "aangemeld",
        "referred_on": dt.date(2026, 11, 9),
        "expected_start": None,
        "actual_start": None,
        "today": TODAY,
        "trajectory_start": dt.date(2026, 11, 2),
    }
    base.update(overrides)
    return waiting.validate(**base)  # type: ignore[arg-type]


def test_valid_dates_pass():
    assert validate(expected_start=dt.date(2027, 2, 1)) == []
    assert validate(status="gestart", actual_start=TODAY) == []


def test_referred_on_not_in_the_future():
    assert [f for f, _ in validate(referred_on=TODAY + dt.timedelta(days=1))] == ["aangemeldOp"]


def test_starts_not_before_the_referral():
    errors = dict(validate(expected_start=dt.date(2026, 11, 1)))
    assert "vóór de datum van aanmelding" in errors["verwachteStart"]
    errors = dict(validate(status="gestart", actual_start=dt.date(2026, 11, 1)))
    assert "vóór de datum van aanmelding" in errors["werkelijkeStart"]


def test_actual_start_only_with_status_started_and_required_then():
    assert "Geplaatst of gestart" in dict(validate(actual_start=TODAY))["werkelijkeStart"]
    assert dict(validate(status="gestart"))["werkelijkeStart"] == (
        "Vul in op welke datum de plaatsing of start was."
    )


def test_actual_start_not_in_the_future():
    errors = dict(validate(status="gestart", actual_start=TODAY + dt.timedelta(days=3)))
    assert "verwachte start" in errors["werkelijkeStart"]


def test_all_problems_at_once():
    errors = validate(
        referred_on=TODAY + dt.timedelta(days=5),
        expected_start=TODAY,
        actual_start=TODAY,
    )
    assert [f for f, _ in errors] == ["aangemeldOp", "verwachteStart", "werkelijkeStart"]


def test_referred_on_at_most_a_year_before_the_detention_started():
    start = dt.date(2026, 11, 2)
    assert validate(referred_on=start - dt.timedelta(days=365)) == []
    errors = dict(validate(referred_on=start - dt.timedelta(days=366)))
    message = errors["aangemeldOp"]
    assert "meer dan een jaar vóór het begin van de detentie (2 november 2026)" in message
    assert "aangemeldOp" in dict(validate(referred_on=dt.date(1, 1, 1)))


def test_a_typing_error_in_the_year_gives_one_message_not_two():
    errors = validate(referred_on=dt.date(1, 1, 1), expected_start=dt.date(2027, 2, 1))
    assert [f for f, _ in errors] == ["aangemeldOp"]


def test_starts_at_most_three_years_after_the_referral():
    referred = dt.date(2026, 11, 9)
    limit = referred + dt.timedelta(days=waiting.MAX_START_AFTER_REFERRAL_DAYS)
    assert validate(expected_start=limit) == []
    errors = dict(validate(expected_start=limit + dt.timedelta(days=1)))
    assert "meer dan 3 jaar na de aanmelding" in errors["verwachteStart"]
    assert "verwachteStart" in dict(validate(expected_start=dt.date(9999, 12, 31)))
    # An actual start that far after the referral (and not in the future) is a mistake too.
    errors = dict(
        validate(
            referred_on=dt.date(2023, 1, 1),
            trajectory_start=dt.date(2023, 1, 1),
            status="gestart",
            actual_start=dt.date(2026, 11, 1),
        )
    )
    assert "meer dan 3 jaar na de aanmelding" in errors["werkelijkeStart"]
