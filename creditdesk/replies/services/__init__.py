"""The reply-script services: the library (write, submit, review), search, composing and sending a message,
and what each use produced."""

from creditdesk.replies.services.compose import (
    MessageInput,
    message_recipient,
    message_send,
    placeholder_values,
    script_render,
)
from creditdesk.replies.services.library import (
    ScriptInput,
    script_retire,
    script_review,
    script_save,
    script_submit,
)
from creditdesk.replies.services.outcomes import use_outcome_set
from creditdesk.replies.services.searching import library_index, script_search

__all__ = [
    "MessageInput",
    "ScriptInput",
    "library_index",
    "message_recipient",
    "message_send",
    "placeholder_values",
    "script_render",
    "script_retire",
    "script_review",
    "script_save",
    "script_search",
    "script_submit",
    "use_outcome_set",
]
