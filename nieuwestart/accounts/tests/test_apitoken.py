"""`manage.py apitoken` gives a working token, creating a system account when asked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient


def _token(*args: str) -> str:
    out = StringIO()
    call_command("apitoken", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_token_works_for_an_existing_account_and_can_be_rotated(alice):
    first = _token("alice")
    second = _token("alice", "--revoke-others")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/trajecten").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get("/api/v1/trajecten").status_code == 401


@pytest.mark.django_db
def test_unknown_account_is_created_only_with_organisation_and_role(payload, chain_org):
    with pytest.raises(CommandError, match="Geef --organisatie en --rol mee"):
        _token("koppeling")
    token = _token("koppeling", "--organisatie", "KETEN-TEST", "--rol", "systeem")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/detentiemeldingen", payload(), format="json").status_code == 201
