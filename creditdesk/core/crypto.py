"""Encryption at rest and blind indexes for sensitive personal information.

The rule (RULES.md, "Personal information"; PIPL art. 28; JR/T 0171-2020 class C3): ID numbers, phones,
bank cards, income and credit-report content never sit in the database in clear.

- Values are sealed with AES-256-GCM (authenticated: a changed byte fails to open, never yields other
  text). Each token carries a random 96-bit nonce and the id of its key; the column it belongs to
  (``context``, e.g. ``customers.customer.id_number``) is bound as associated data, so a token copied
  into another column or row kind does not open there.
- Keys come from settings, ``CREDITDESK_FIELD_KEYS = "k2:<base64>,k1:<base64>"``: the first key seals,
  every listed key opens its own tokens. Rotating is: put a new key first, re-seal old tokens
  (``needs_rotation`` / ``rotate_token``), then drop the old key. Random nonces allow about 2**32
  seals per key (NIST SP 800-38D), far beyond one key's lifetime here.
- A blind index (HMAC-SHA256 under a separate key, ``CREDITDESK_BLIND_INDEX_KEY``) gives exact lookups
  and a database-enforced uniqueness without storing the value. Whoever holds that key can test guesses
  (an ID or phone number has few possibilities), so it is as secret as the encryption keys.

Token format: ``v1.<kid>.<base64url(nonce + ciphertext + tag)>`` (ASCII, no padding).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96-bit GCM nonce
TAG_BYTES = 16
VERSION = "v1"  # of the token format
KEY_SETTINGS = frozenset({"CREDITDESK_FIELD_KEYS", "CREDITDESK_BLIND_INDEX_KEY"})

_KID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_GENERATE_HINT = (
    'generate one with: python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
)


class DecryptionError(ValueError):
    """A token that does not open: tampered, meant for another column, malformed, or its key is gone."""


def _decode_key(value: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        # Never echo the value: it is (meant to be) key material.
        raise ImproperlyConfigured(f"{what} is not valid base64; {_GENERATE_HINT}") from None


@dataclass(frozen=True)
class KeyRing:
    """The field-encryption keys by id (the first one seals) and the blind-index key. Immutable."""

    current_kid: str
    keys: Mapping[str, bytes] = field(repr=False)
    blind_index_key: bytes = field(repr=False)

    @classmethod
    def parse(cls, field_keys: object, blind_index_key: object) -> KeyRing:
        """Build from the two setting strings; anything missing, short or malformed is refused."""
        if not isinstance(field_keys, str) or not field_keys.strip():
            raise ImproperlyConfigured(
                "CREDITDESK_FIELD_KEYS is not set: it must be 'kid:base64key[,kid:base64key…]' with 32-byte "
                f"keys, the first one used for encryption; {_GENERATE_HINT}"
            )
        if not isinstance(blind_index_key, str) or not blind_index_key.strip():
            raise ImproperlyConfigured(
                "CREDITDESK_BLIND_INDEX_KEY is not set: it must be a base64 key of at least 32 bytes, "
                f"different from the field keys; {_GENERATE_HINT}"
            )
        keys: dict[str, bytes] = {}
        for entry in field_keys.split(","):
            kid, sep, encoded = entry.strip().partition(":")
            if not sep or not _KID.fullmatch(kid):
                raise ImproperlyConfigured(
                    "CREDITDESK_FIELD_KEYS entries must be 'kid:base64key' with a key id of letters, digits, "
                    "'-' or '_' (at most 32)"
                )
            if kid in keys:
                raise ImproperlyConfigured(f"CREDITDESK_FIELD_KEYS lists key id {kid!r} twice")
            key = _decode_key(encoded, what=f"CREDITDESK_FIELD_KEYS key {kid!r}")
            if len(key) != KEY_BYTES:
                raise ImproperlyConfigured(
                    f"CREDITDESK_FIELD_KEYS key {kid!r} is {len(key)} bytes; AES-256-GCM needs exactly "
                    f"{KEY_BYTES}; {_GENERATE_HINT}"
                )
            keys[kid] = key
        blind = _decode_key(blind_index_key, what="CREDITDESK_BLIND_INDEX_KEY")
        if len(blind) < KEY_BYTES:
            raise ImproperlyConfigured(
                f"CREDITDESK_BLIND_INDEX_KEY is {len(blind)} bytes; it needs at least {KEY_BYTES}; "
                f"{_GENERATE_HINT}"
            )
        if blind in keys.values():
            raise ImproperlyConfigured("CREDITDESK_BLIND_INDEX_KEY must differ from every field key")
        return cls(current_kid=next(iter(keys)), keys=MappingProxyType(keys), blind_index_key=blind)

    @classmethod
    def from_settings(cls) -> KeyRing:
        return cls.parse(
            getattr(settings, "CREDITDESK_FIELD_KEYS", None),
            getattr(settings, "CREDITDESK_BLIND_INDEX_KEY", None),
        )


@functools.lru_cache(maxsize=1)
def get_keyring() -> KeyRing:
    """The process's key ring, read from settings once."""
    return KeyRing.from_settings()


def reset_keyring_cache() -> None:
    """Forget the cached key ring (tests, or settings changed at run time)."""
    get_keyring.cache_clear()
    _cipher.cache_clear()  # no cipher of a dropped key stays in memory


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in KEY_SETTINGS:
        reset_keyring_cache()


setting_changed.connect(_on_setting_changed, dispatch_uid="creditdesk.core.crypto.reset_keyring")


@functools.lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESGCM:
    """The AES-GCM object of a key, built once (its key schedule costs twice the sealing of an ID)."""
    return AESGCM(key)


def _aad(context: str) -> bytes:
    if not context or "\x00" in context:
        raise ValueError("context must be a non-empty label such as 'customers.customer.id_number'")
    return context.encode("utf-8")


def encrypt(plaintext: str, *, context: str) -> str:
    """Seal ``plaintext`` for the column named by ``context`` under the current key."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes str, not {type(plaintext).__name__}")
    ring = get_keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _cipher(ring.keys[ring.current_kid]).encrypt(nonce, plaintext.encode("utf-8"), _aad(context))
    payload = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{VERSION}.{ring.current_kid}.{payload}"


def _parse(token: str) -> tuple[str, bytes]:
    """(kid, nonce + ciphertext + tag) of a well-formed token; DecryptionError otherwise."""
    if not isinstance(token, str):
        raise DecryptionError("not an encrypted token")
    version, _sep, rest = token.partition(".")
    kid, _sep, payload = rest.partition(".")
    if version != VERSION or not _KID.fullmatch(kid) or not _B64URL.fullmatch(payload):
        raise DecryptionError("not an encrypted token (expected 'v1.<kid>.<data>')")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("encrypted token is not valid base64url") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("encrypted token is too short")
    return kid, raw


def decrypt(token: str, *, context: str) -> str:
    """Open a token made by ``encrypt`` for the same ``context``; DecryptionError if it does not open."""
    kid, raw = _parse(token)
    key = get_keyring().keys.get(kid)
    if key is None:
        raise DecryptionError(
            f"encrypted token uses key id {kid!r}, which CREDITDESK_FIELD_KEYS does not list"
        )
    try:
        plain = _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context))
        return plain.decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        raise DecryptionError(
            f"encrypted token does not open for {context!r}: altered, or sealed for another column"
        ) from None


def needs_rotation(token: str) -> bool:
    """Whether ``token`` was sealed under a key other than the current one."""
    kid, _raw = _parse(token)
    return kid != get_keyring().current_kid


def rotate_token(token: str, *, context: str) -> str:
    """``token`` re-sealed under the current key (unchanged if it already is)."""
    if not needs_rotation(token):
        return token
    return encrypt(decrypt(token, context=context), context=context)


def blind_index(value: str, *, context: str) -> str:
    """HMAC-SHA256 of ``context + NUL + value`` as 64 hex digits. The caller normalises ``value``."""
    message = _aad(context) + b"\x00" + value.encode("utf-8")
    return hmac.new(get_keyring().blind_index_key, message, hashlib.sha256).hexdigest()


def generate_key() -> str:
    """A new random 32-byte key, base64-encoded (for CREDITDESK_FIELD_KEYS or the blind-index key)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _read_or_create(path: Path, content: str) -> str:
    try:
        # O_EXCL: two processes starting together (runserver's reloader) never overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return content


def ensure_development_keys(var_dir: Path) -> tuple[str, str]:
    """(field keys, blind-index key) kept in ``var_dir``, created (mode 0600) on first use.

    Development and demo only: production settings take both keys from the environment.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    field_keys = _read_or_create(var_dir / "field_keys", f"k1:{generate_key()}")
    blind_key = _read_or_create(var_dir / "blind_index_key", generate_key())
    return field_keys, blind_key


class EncryptedTextField(models.TextField):
    """Text encrypted at rest: Python sees the clear ``str``, the column holds a ``v1.`` token.

    The context (associated data) is ``<app_label>.<model_name>.<field name>``; renaming the model or
    the field therefore needs ``context=`` set to the old value, or a data migration that re-seals.
    Ciphertext is random per row, so only ``__isnull`` can be queried; exact lookups and uniqueness go
    through a blind index column (``blind_index``).

    An empty value is stored as ``""``, not sealed, so the column shows whether a value is recorded. That
    is not secret: the interface already shows it to anyone who sees the record (the masks, "已登记").
    Sealing it cost one AES-GCM seal per empty column per row (bulk imports). Reading accepts both ``""``
    and a token sealed from ``""`` by earlier versions; both read as ``""``. ``None`` stays ``NULL``.
    """

    description = _("加密文本")

    def __init__(self, *args: Any, context: str | None = None, **kwargs: Any) -> None:
        self._explicit_context = context
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        if self._explicit_context:
            return self._explicit_context
        model = getattr(self, "model", None)
        if model is None or not self.name:
            raise ImproperlyConfigured("EncryptedTextField needs a model (or context=) before use")
        return f"{model._meta.label_lower}.{self.name}"

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self._explicit_context:
            kwargs["context"] = self._explicit_context
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.primary_key or getattr(self, "db_index", False):
            errors.append(
                checks.Error(
                    "EncryptedTextField cannot be unique, a primary key or indexed: its ciphertext differs "
                    "on every save.",
                    hint="Put uniqueness and the index on a blind-index column (core.crypto.blind_index).",
                    obj=self,
                    id="core.E101",
                )
            )
        return errors

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        if value == "":
            return ""  # an empty value is stored as such (see the class docstring)
        return decrypt(value, context=self.context)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        if value == "":
            return ""  # emptiness is not secret (see the class docstring); no seal per empty column
        return encrypt(value, context=self.context)

    def _refuse(self, lookup_name: str) -> FieldError:
        where = self.context if self._explicit_context or getattr(self, "model", None) else self.name
        return FieldError(
            f"Cannot filter the encrypted field {where!r} with '__{lookup_name}': its ciphertext is random "
            "per row. Filter on the field's blind-index column (core.crypto.blind_index) instead; only "
            "'__isnull' is allowed here."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise self._refuse(lookup_name)
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self._refuse(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a dict or a list) encrypted at rest: Python sees the value, the column holds a ``v1.``
    token of its JSON text (``EncryptedTextField``: the column bound as associated data).

    For records whose JSON may quote a sensitive value (a pre-assessment's inputs, contributions and
    reasons quote the income it was scored on). Like every encrypted field, only ``__isnull`` can be
    queried: no key lookups, no containment. Reading gives back exactly what was written (``json``
    round trip: numbers, text, lists and dicts). ``None`` stays ``NULL``.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        if text is None or text == "":
            return None
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        # Text is JSON (a fixture's or a form's); this field never holds a bare string value.
        return json.loads(value) if isinstance(value, str) and value else value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})
