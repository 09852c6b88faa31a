"""The reads other screens build on: the status board (trajectory page, work list, information
sheet) and the screening view with its care signal."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from nieuwestart.screening.selectors import screening_view, status_board, status_boards
from nieuwestart.screening.services import screening_contribute, screening_update
from nieuwestart.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

DOMAINS = ["identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk"]


def _save(actor, trajectory, version=0, **domains):
    return screening_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=version,
        lvb="ja",
        first_detention="onbekend",
        language_needs="",
        reading_needs=False,
        own_words="",
        domains=domains,
    )


def test_status_board_without_a_screening_is_all_unknown(trajectory):
    board = status_board(trajectory)
    assert [item.domain for item in board] == DOMAINS
    assert {item.status for item in board} == {"onbekend"}
    assert board[1].label == "Huisvesting"
    assert board[1].status_label == "Onbekend"


def test_status_board_shows_status_and_help_question(trajectory, alice):
    _save(alice, trajectory, huisvesting={"status": "hulp-nodig", "help_question": "Opvang."})
    housing = status_board(trajectory)[1]
    assert (housing.status, housing.status_label, housing.help_question) == (
        "hulp-nodig",
        "Hulp nodig",
        "Opvang.",
    )
    assert housing.short_label == "Wonen"


def test_status_boards_for_a_work_list_page_take_one_query(
    trajectory, alice, django_assert_num_queries
):
    _save(alice, trajectory, identiteit={"status": "in-orde"})
    other = Trajectory.objects.get(pk=trajectory.pk)
    other.pk = None
    other.uuid = uuid.uuid4()
    other.start_date = dt.date(2026, 11, 20)
    other.save()  # a second trajectory without a screening
    ids = [trajectory.pk, other.pk]

    with django_assert_num_queries(1):
        boards = status_boards(ids)

    assert boards[trajectory.pk][0].status == "in-orde"
    assert [item.status for item in boards[other.pk]] == ["onbekend"] * 6


def test_screening_view_without_a_screening(trajectory, carol):
    view = screening_view(trajectory, carol)
    assert (view.exists, view.version, view.lvb) == (False, 0, "onbekend")
    assert view.short_stay is False
    assert view.care_signal is False
    assert [d.code for d in view.domains] == DOMAINS


def test_care_signal_without_care_content_for_the_municipality(trajectory, bob, carol):
    _save(bob, trajectory, zorg={"status": "in-orde", "facts": {"verslaving": "Alcohol"}})

    for_carol = screening_view(trajectory, carol).domain("zorg")
    for_bob = screening_view(trajectory, bob).domain("zorg")

    assert for_carol.care_signal is True  # content recorded: care follow-up is needed
    assert for_carol.facts == []
    assert for_carol.has_hidden_facts is True
    assert "verslaving" not in for_carol.fact_values
    assert for_bob.facts == [("Verslaving", "Alcohol")]


def test_facts_are_shown_in_words(trajectory, alice):
    _save(
        alice,
        trajectory,
        financien={
            "status": "aandacht",
            "help_question": "Schulden.",
            "facts": {
                "schuldenBekend": "ja",
                "schuldenSchatting": "1500,50",
                "bewindvoering": True,
            },
        },
        identiteit={
            "status": "hulp-nodig",
            "help_question": "ID.",
            "facts": {"geldigTot": "2026-06-30", "soortDocument": "id-kaart"},
        },
    )
    view = screening_view(trajectory, alice)
    assert view.domain("financien").facts == [
        ("Heeft schulden", "ja"),
        ("Schatting van de schulden (euro)", "€ 1.500,50"),
        ("Staat onder bewind (bewindvoering)", "ja"),
    ]
    assert ("Geldig tot", "30 juni 2026") in view.domain("identiteit").facts
    assert ("Soort identiteitsbewijs", "Identiteitskaart") in view.domain("identiteit").facts


def test_contributions_in_the_view(trajectory, carol):
    screening_contribute(actor=carol, trajectory=trajectory, domain="inkomen", text="Had WW.")
    contribution = screening_view(trajectory, carol).domain("inkomen").contributions[0]
    assert (contribution.author, contribution.organisation, contribution.text) == (
        "Carol Test",
        "Enschede",
        "Had WW.",
    )


def test_status_board_partial_links_each_domain_with_icon_and_text(trajectory, alice):
    from django.template.loader import render_to_string

    _save(alice, trajectory, huisvesting={"status": "hulp-nodig", "help_question": "Opvang."})
    html = render_to_string(
        "screening/_status_board.html",
        {"board": status_board(trajectory), "trajectory": trajectory},
    )
    assert html.count('class="ns-status ns-status--') == 6
    assert f'href="/trajecten/{trajectory.uuid}/screening#domein-huisvesting"' in html
    assert "Hulp nodig" in html and "Opvang." in html
    assert html.count('aria-hidden="true"') >= 6  # each status has its icon next to its text


def test_status_row_partial_for_the_work_list(trajectory, alice):
    from nieuwestart.core.templatetags.ns_components import status_row_html

    _save(alice, trajectory, financien={"status": "aandacht", "help_question": "Schulden."})
    html = status_row_html(status_boards([trajectory.pk])[trajectory.pk])
    assert html.count("ns-status-badge--") == 6
    assert "Schulden<span" in html  # short domain name, visible
    assert ": Aandacht nodig" in html  # the status in words, for screen readers and as tooltip


@pytest.mark.django_db
def test_care_help_question_is_for_pi_and_probation_not_the_municipality(
    trajectory, alice, bob, carol
):
    from nieuwestart.screening.models import Screening

    screening = Screening.objects.create(trajectory=trajectory)
    screening.assessments.create(
        domain="zorg",
        status="hulp-nodig",
        help_question="Ambulante verslavingszorg moet doorlopen.",
    )

    assert screening_view(trajectory, alice).domain("zorg").help_question
    assert screening_view(trajectory, bob).domain("zorg").help_question
    carol_view = screening_view(trajectory, carol).domain("zorg")
    assert carol_view.help_question == "" and carol_view.care_signal
    assert status_board(trajectory, carol)[4].help_question == ""
    assert status_board(trajectory, alice)[4].help_question


@pytest.mark.django_db
def test_municipality_save_leaves_the_care_domain_as_the_pi_wrote_it(trajectory, alice, carol):
    from nieuwestart.screening.services import screening_get_or_create

    def domains(status: str, question: str) -> dict:
        return {
            "zorg": {
                "status": status,
                "help_question": question,
                "acting_partner": "inrichting",
                "acting_note": "",
                "facts": {},
            }
        }

    flags = {
        "lvb": "onbekend",
        "first_detention": "onbekend",
        "language_needs": "",
        "reading_needs": False,
        "own_words": "",
    }
    screening_get_or_create(actor=alice, trajectory=trajectory)
    screening_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        domains=domains("hulp-nodig", "Zorg moet doorlopen."),
        **flags,
    )
    screening_update(
        actor=carol,
        trajectory=trajectory,
        expected_version=1,
        domains=domains("onbekend", ""),
        **flags,
    )

    zorg = screening_view(trajectory, alice).domain("zorg")
    assert (zorg.status, zorg.help_question) == ("hulp-nodig", "Zorg moet doorlopen.")


@pytest.mark.django_db
def test_a_municipality_conflict_message_does_not_show_the_care_help_question(
    trajectory, alice, carol
):
    from nieuwestart.screening.services import ScreeningConflict, screening_get_or_create

    flags = {
        "lvb": "onbekend",
        "first_detention": "onbekend",
        "language_needs": "",
        "reading_needs": False,
        "own_words": "",
    }
    care = {
        "zorg": {
            "status": "hulp-nodig",
            "help_question": "Methadonprogramma moet doorlopen.",
            "acting_partner": "inrichting",
            "acting_note": "",
            "facts": {},
        }
    }
    screening_get_or_create(actor=alice, trajectory=trajectory)
    screening_update(actor=alice, trajectory=trajectory, expected_version=0, domains=care, **flags)

    with pytest.raises(ScreeningConflict) as conflict:
        screening_update(
            actor=carol, trajectory=trajectory, expected_version=0, domains={}, **flags
        )

    assert "Methadon" not in conflict.value.message
    assert all("Methadon" not in str(c.value) for c in conflict.value.changed)
