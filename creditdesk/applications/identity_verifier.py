"""联网核查 (online ID verification against the public-security citizen database) as a pluggable
interface. CreditDesk calls no real provider: the default implementation records the result the CM read
from the bank's own 联网核查 terminal (result, its serial number), which is how many branches work today.
A bank wiring a provider sets ``CREDITDESK_IDENTITY_VERIFIER`` to a dotted path of a class with the same
``verify`` method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

RESULTS = ("match", "mismatch", "not_found")


@dataclass(frozen=True)
class Verification:
    result: str  # one of RESULTS
    reference: str
    channel: str


class IdentityVerifier(Protocol):
    def verify(self, *, name: str, id_number: str, recorded_result: str, reference: str) -> Verification: ...


class RecordedResultVerifier:
    """The result as recorded by the person who ran the check on the bank's 联网核查 terminal."""

    channel = "recorded"

    def verify(self, *, name: str, id_number: str, recorded_result: str, reference: str) -> Verification:
        return Verification(result=recorded_result, reference=reference, channel=self.channel)


def identity_verifier() -> IdentityVerifier:
    path = getattr(settings, "CREDITDESK_IDENTITY_VERIFIER", "")
    return import_string(path)() if path else RecordedResultVerifier()
