"""The Django choices are the pure guard's enumerations: the same values, in the same order, with the same
labels (translated on pages)."""

from __future__ import annotations

import pytest

from creditdesk.compliance import guard
from creditdesk.compliance.choices import Channel, CheckOrigin, RuleKind, Severity


@pytest.mark.parametrize(
    ("pure", "derived"), [(guard.Kind, RuleKind), (guard.Severity, Severity), (guard.Channel, Channel)]
)
def test_the_choices_are_the_guards_enumerations(pure, derived):
    assert derived.values == [member.value for member in pure]
    assert [(value, str(label)) for value, label in derived.choices] == list(pure.pairs())
    for member in pure:
        assert derived(member.value) == member


def test_the_origins_of_a_logged_check():
    assert CheckOrigin.values == ["send", "api", "script"]
