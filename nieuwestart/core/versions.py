"""Which version of a resource an API write is based on: `If-Match` or a number in the body.

A write that could overwrite somebody else's work names the version it read: the resource's
ETag in `If-Match` (`"<uuid>-<letter><version>"`), or the version in the body (`versie`; the
handover list's `lijstVersie`). The header wins. An ETag of something else is 412; neither
given is 428 (a blind overwrite is not possible). Whether the named version is stale is the
service's to say (412 or 409), unless the caller knows the current version (`current=`): then
a stale If-Match is refused here with 412.

A `VersionRule` holds what differs per resource: the ETag's pattern, the Dutch messages (each
resource keeps its own wording, some through gettext and some not: as they always answered),
how the body's number is checked, and whether the screening's leniency applies. The API views
call `expected_version`; a refusal is raised as `Refused` and answered as problem+json by the
API's exception handler.
"""

from __future__ import annotations

import re
import uuid as uuid_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nieuwestart.core.problems import Refused

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.request import Request


def validated_version(field: str, value: Any) -> int | None:
    """The body's version as a serializer already checked it; None: not given."""
    return None if value is None else int(value)


@dataclass(frozen=True)
class VersionRule:
    """How one kind of resource names its version in a write."""

    etag: re.Pattern[str]
    """The ETag, with the groups `uuid` and `version`."""
    foreign: StrOrPromise
    """412: the If-Match names another resource (or is no ETag of ours)."""
    missing: StrOrPromise = ""
    """428: no version at all. May name the field as `%(field)s`."""
    missing_title: StrOrPromise = ""
    field: str = "versie"
    """The body's member that holds the version."""
    stale: StrOrPromise = ""
    """412 with `current=`: the If-Match names an older (or newer) version."""
    body_version: Callable[[str, Any], int | None] = validated_version
    """Reads the body's member when present (raise ValidationError if invalid); None: not
    given."""
    required: bool = True
    """False: a write without any version is based on `current` (the trajectory's PATCH)."""
    lenient: bool = False
    """The screening's reading of If-Match: a list of ETags (any one may match), the uuid in
    either case, and `*` counted as no ETag. Weak ETags are a matter of the pattern."""


def named_version(header: str, rule: VersionRule, uuid: uuid_module.UUID) -> int | None:
    """The version an If-Match header names for this resource; None if it names none."""
    for candidate in header.split(",") if rule.lenient else [header]:
        match = rule.etag.fullmatch(candidate.strip())
        if match and match["uuid"].lower() == str(uuid):
            return int(match["version"])
    return None


def expected_version(
    request: Request,
    body: Mapping[str, Any],
    rule: VersionRule,
    *,
    uuid: uuid_module.UUID,
    current: int | None = None,
) -> int:
    """The version the write is based on: If-Match first, else the body's. Raises `Refused`
    (412, 428) or the rule's ValidationError."""
    header = request.headers.get("If-Match", "").strip()
    if rule.lenient and header == "*":
        header = ""
    if header:
        version = named_version(header, rule, uuid)
        if version is None:
            raise Refused(412, rule.foreign)
        if current is not None and version != current:
            raise Refused(412, rule.stale)
        return version
    given = rule.body_version(rule.field, body[rule.field]) if rule.field in body else None
    if given is not None:
        return given
    if not rule.required and current is not None:
        return current
    raise Refused(428, str(rule.missing) % {"field": rule.field}, title=rule.missing_title)
