"""The application/problem+json body (RFC 9457) and its answers, for every layer.

One builder for the body (`problem`), one for a Django response (`problem_json_response`: the
middleware's refusal of plain HTTP, the 404 and 500 pages under /api/), and `Refused`, which an
API view raises to answer with a problem at once; `nieuwestart.api.problems` turns it into the
response and re-exports all of this, as it always did. It lives here, in the lowest layer, so
that the middleware does not write the shape out again: core may not import the API layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, JsonResponse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Ongeldige invoer.",
    401: "U bent niet ingelogd.",
    403: "U mag dit niet doen.",
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
    406: "Dit formaat kunnen we niet leveren.",
    409: "Conflict met een andere wijziging.",
    412: "De gegevens zijn intussen gewijzigd.",
    415: "Dit formaat kunnen we niet lezen.",
    429: "Te veel verzoeken.",
    500: "Er ging iets mis aan onze kant.",
}


def title_for(status_code: int) -> str:
    return _TITLES.get(status_code, "Fout.")


def problem(
    status_code: int,
    detail: str,
    *,
    title: str | None = None,
    invalid_params: list[dict[str, str]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://nieuwestart.example/problemen/{status_code}",
        "title": title or title_for(status_code),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return body


def problem_json_response(
    request: HttpRequest, status_code: int, detail: str, *, title: str | None = None
) -> JsonResponse:
    """A problem outside DRF (404 on an unknown or trailing-slash URL, 500, plain HTTP to the
    API), with the request's path as `instance`."""
    return JsonResponse(
        problem(status_code, detail, title=title, instance=request.path),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


class Refused(Exception):
    """Raised in an API view: the answer is this problem (status, detail, title and any extra
    members), sent by the API's exception handler (nieuwestart.api.problems)."""

    def __init__(
        self,
        status_code: int,
        detail: StrOrPromise,
        *,
        title: StrOrPromise | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(str(detail))
        self.status_code = status_code
        self.body = problem(status_code, str(detail), title=str(title) if title else None)
        self.body.update(extra)
