"""Sensitive personal information is sealed at rest (PIPL art. 28; JR/T 0171-2020 C3).

Keys are generated per test; nothing here depends on a key in the environment or in ``var/``.
"""

from __future__ import annotations

import base64
import stat

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, models
from django.test.utils import isolate_apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from creditdesk.core.crypto import (
    DecryptionError,
    EncryptedTextField,
    KeyRing,
    blind_index,
    decrypt,
    encrypt,
    ensure_development_keys,
    generate_key,
    get_keyring,
    needs_rotation,
    reset_keyring_cache,
    rotate_token,
)

CTX = "customers.customer.id_number"
ID_NUMBER = "11010519491231002X"  # RULES.md worked example


@pytest.fixture
def keys(settings):
    """Fresh keys k1 (current) and a blind-index key; returns them for tests that rotate."""
    k1, blind = generate_key(), generate_key()
    settings.CREDITDESK_FIELD_KEYS = f"k1:{k1}"
    settings.CREDITDESK_BLIND_INDEX_KEY = blind
    reset_keyring_cache()
    yield {"k1": k1, "blind": blind}
    reset_keyring_cache()


def _flip(token: str, position: int) -> str:
    """``token`` with one byte of its sealed payload inverted."""
    prefix, payload = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[position] ^= 0x01
    return f"{prefix}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


# --- sealing and opening ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [ID_NUMBER, "张三 13800138000", "月收入 ¥12,345.67", ""])
def test_round_trip(keys, value):
    token = encrypt(value, context=CTX)
    assert token.startswith("v1.k1.")
    assert token.isascii()
    assert value == "" or value not in token
    assert decrypt(token, context=CTX) == value


def test_same_value_seals_differently_each_time(keys):
    assert encrypt(ID_NUMBER, context=CTX) != encrypt(ID_NUMBER, context=CTX)


@pytest.mark.parametrize("position", [0, 11, 12, -1])  # nonce (first, last), ciphertext, tag
def test_a_flipped_byte_does_not_open(keys, position):
    token = encrypt(ID_NUMBER, context=CTX)
    with pytest.raises(DecryptionError):
        decrypt(_flip(token, position), context=CTX)


def test_a_token_does_not_open_in_another_column(keys):
    token = encrypt(ID_NUMBER, context=CTX)
    with pytest.raises(DecryptionError, match="another column"):
        decrypt(token, context="customers.customer.phone")


@pytest.mark.parametrize(
    "token",
    ["", ID_NUMBER, "v2.k1.AAAA", "v1..AAAA", "v1.k1.", "v1.k1.not*base64", "v1.k1.AAAA", "v1.k.1.AAAA"],
)
def test_malformed_tokens_are_refused(keys, token):
    with pytest.raises(DecryptionError):
        decrypt(token, context=CTX)


def test_decryption_error_is_a_value_error():
    assert issubclass(DecryptionError, ValueError)


def test_context_must_be_a_label(keys):
    with pytest.raises(ValueError):
        encrypt(ID_NUMBER, context="")
    with pytest.raises(ValueError):
        blind_index(ID_NUMBER, context="a\x00b")


@hsettings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text())
def test_round_trip_property(keys, value):
    assert decrypt(encrypt(value, context=CTX), context=CTX) == value


# --- rotation --------------------------------------------------------------------------------------


def test_rotation_to_a_new_key(keys, settings):
    old = encrypt(ID_NUMBER, context=CTX)
    assert not needs_rotation(old)
    assert rotate_token(old, context=CTX) == old

    k2 = generate_key()
    settings.CREDITDESK_FIELD_KEYS = f"k2:{k2},k1:{keys['k1']}"
    reset_keyring_cache()
    assert get_keyring().current_kid == "k2"
    assert decrypt(old, context=CTX) == ID_NUMBER
    assert needs_rotation(old)
    assert encrypt(ID_NUMBER, context=CTX).startswith("v1.k2.")

    new = rotate_token(old, context=CTX)
    assert new.startswith("v1.k2.")
    assert not needs_rotation(new)
    assert decrypt(new, context=CTX) == ID_NUMBER

    # Once every token is re-sealed, k1 can go; its tokens no longer open, the re-sealed ones do.
    settings.CREDITDESK_FIELD_KEYS = f"k2:{k2}"
    reset_keyring_cache()
    assert decrypt(new, context=CTX) == ID_NUMBER
    with pytest.raises(DecryptionError, match="'k1'"):
        decrypt(old, context=CTX)


def test_unknown_key_id_is_refused(keys):
    token = encrypt(ID_NUMBER, context=CTX)
    with pytest.raises(DecryptionError, match="'k9'"):
        decrypt(token.replace("v1.k1.", "v1.k9.", 1), context=CTX)


def test_the_same_key_id_with_another_key_does_not_open(keys, settings):
    token = encrypt(ID_NUMBER, context=CTX)
    settings.CREDITDESK_FIELD_KEYS = f"k1:{generate_key()}"  # the setting_changed signal resets the cache
    with pytest.raises(DecryptionError):
        decrypt(token, context=CTX)


# --- blind index -----------------------------------------------------------------------------------


def test_blind_index_is_deterministic_and_keyed(keys, settings):
    digest = blind_index(ID_NUMBER, context=CTX)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert blind_index(ID_NUMBER, context=CTX) == digest
    assert blind_index("11010519491231002x", context=CTX) != digest  # normalising is the caller's job
    assert blind_index(ID_NUMBER, context="customers.customer.phone") != digest
    # Rotating the field keys leaves the blind index alone; a new blind-index key changes it.
    settings.CREDITDESK_FIELD_KEYS = f"k2:{generate_key()},k1:{keys['k1']}"
    reset_keyring_cache()
    assert blind_index(ID_NUMBER, context=CTX) == digest
    settings.CREDITDESK_BLIND_INDEX_KEY = generate_key()
    reset_keyring_cache()
    assert blind_index(ID_NUMBER, context=CTX) != digest


def test_blind_index_does_not_contain_the_value(keys):
    assert ID_NUMBER.lower() not in blind_index(ID_NUMBER, context=CTX)


# --- configuration ---------------------------------------------------------------------------------

K1, K2, BLIND = generate_key(), generate_key(), generate_key()  # valid keys for the refusal cases
SHORT = base64.b64encode(b"x" * 16).decode()


@pytest.mark.parametrize(
    ("field_keys", "blind", "message"),
    [
        (None, BLIND, "CREDITDESK_FIELD_KEYS is not set"),
        ("  ", BLIND, "CREDITDESK_FIELD_KEYS is not set"),
        (f"k1:{K1}", None, "CREDITDESK_BLIND_INDEX_KEY is not set"),
        (f"k1:{K1}", "", "CREDITDESK_BLIND_INDEX_KEY is not set"),
        (f"k1:{SHORT}", BLIND, "16 bytes; AES-256-GCM needs exactly 32"),
        (f"k1:{K1}", SHORT, "16 bytes; it needs at least 32"),
        ("k1:not base64!", BLIND, "not valid base64"),
        (f"k1:{K1}", "not base64!", "not valid base64"),
        (K1, BLIND, "'kid:base64key'"),
        (f"k.1:{K1}", BLIND, "'kid:base64key'"),
        (f"k1:{K1},k1:{K2}", BLIND, "twice"),
        (f"k1:{K1}", K1, "must differ"),
    ],
    # named, not by the random keys: every pytest-xdist worker must collect the same test ids
    ids=[
        "no-field-keys",
        "blank-field-keys",
        "no-blind-key",
        "empty-blind-key",
        "short-field-key",
        "short-blind-key",
        "field-key-not-base64",
        "blind-key-not-base64",
        "field-key-without-kid",
        "bad-kid",
        "kid-twice",
        "blind-key-equals-field-key",
    ],
)
def test_missing_or_bad_keys_are_improperly_configured(settings, field_keys, blind, message):
    settings.CREDITDESK_FIELD_KEYS = field_keys
    settings.CREDITDESK_BLIND_INDEX_KEY = blind
    reset_keyring_cache()
    with pytest.raises(ImproperlyConfigured, match=message) as raised:
        get_keyring()
    assert K1 not in str(raised.value)  # key material never appears in a message
    reset_keyring_cache()


def test_keyring_reads_settings_and_hides_keys(keys):
    ring = KeyRing.from_settings()
    assert ring.current_kid == "k1"
    assert ring.keys["k1"] == base64.b64decode(keys["k1"])
    assert keys["k1"] not in repr(ring) and "blind_index_key" not in repr(ring)
    with pytest.raises(TypeError):
        ring.keys["k2"] = b"x" * 32  # type: ignore[index]
    with pytest.raises(AttributeError):
        ring.current_kid = "k2"  # type: ignore[misc]


def test_keyring_is_cached_until_reset(keys):
    assert get_keyring() is get_keyring()
    first = get_keyring()
    reset_keyring_cache()
    assert get_keyring() is not first


def test_generate_key_is_32_random_bytes():
    assert len(base64.b64decode(generate_key(), validate=True)) == 32
    assert generate_key() != generate_key()


def test_development_keys_are_created_once_and_private(tmp_path, settings):
    var = tmp_path / "var"
    field_keys, blind = ensure_development_keys(var)
    assert field_keys.startswith("k1:")
    for name in ("field_keys", "blind_index_key"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600
    assert ensure_development_keys(var) == (field_keys, blind)
    settings.CREDITDESK_FIELD_KEYS, settings.CREDITDESK_BLIND_INDEX_KEY = field_keys, blind
    reset_keyring_cache()
    assert decrypt(encrypt("张三", context=CTX), context=CTX) == "张三"
    reset_keyring_cache()


# --- the model field -------------------------------------------------------------------------------


def _field(**kwargs) -> EncryptedTextField:
    """A field as it would be on ``customers.Customer.id_number``, without defining a model."""
    field = EncryptedTextField(context=CTX, **kwargs)
    field.set_attributes_from_name("id_number")
    return field


def test_field_stores_a_token_and_reads_the_clear_value(keys):
    field = _field(null=True)
    stored = field.get_db_prep_save(ID_NUMBER, connection)
    assert stored.startswith("v1.k1.") and ID_NUMBER not in stored
    assert decrypt(stored, context=CTX) == ID_NUMBER
    assert field.from_db_value(stored, None, connection) == ID_NUMBER
    assert field.get_db_prep_save(None, connection) is None
    assert field.from_db_value(None, None, connection) is None
    assert field.from_db_value(field.get_db_prep_save("", connection), None, connection) == ""


def test_field_encrypts_a_value_that_looks_like_a_token(keys):
    # Python always holds clear values, so a string shaped like a token is data like any other.
    token = encrypt(ID_NUMBER, context=CTX)
    stored = _field().get_db_prep_save(token, connection)
    assert stored != token
    assert decrypt(stored, context=CTX) == token


def test_field_refuses_a_token_from_another_column(keys):
    foreign = encrypt(ID_NUMBER, context="customers.customer.phone")
    with pytest.raises(DecryptionError):
        _field().from_db_value(foreign, None, connection)


@pytest.mark.parametrize("lookup", ["exact", "iexact", "in", "contains", "startswith", "endswith", "gt"])
def test_field_refuses_lookups_other_than_isnull(lookup):
    with pytest.raises(FieldError, match="blind-index"):
        _field().get_lookup(lookup)
    assert _field().get_lookup("isnull") is not None


def test_field_refuses_transforms():
    with pytest.raises(FieldError, match="blind-index"):
        _field().get_transform("lower")


def test_field_without_a_model_or_context_is_a_configuration_error(keys):
    with pytest.raises(ImproperlyConfigured):
        EncryptedTextField().get_db_prep_save(ID_NUMBER, connection)


def test_field_deconstructs_for_migrations():
    name, path, args, kwargs = _field(blank=True).deconstruct()
    assert (name, path, args) == ("id_number", "creditdesk.core.crypto.EncryptedTextField", [])
    assert kwargs == {"blank": True, "context": CTX}
    rebuilt = EncryptedTextField(*args, **kwargs)
    assert rebuilt.context == CTX and rebuilt.blank
    assert "context" not in EncryptedTextField(blank=True).deconstruct()[3]


@isolate_apps("creditdesk.core")
def test_field_on_a_model_takes_its_context_from_the_model():
    class Probe(models.Model):  # noqa: DJ008
        secret = EncryptedTextField()
        renamed = EncryptedTextField(context="core.probe.old_name")

        class Meta:
            app_label = "core"

    assert Probe._meta.get_field("secret").context == "core.probe.secret"
    assert Probe._meta.get_field("renamed").context == "core.probe.old_name"
    assert Probe.check() == []


@isolate_apps("creditdesk.core")
def test_field_cannot_be_unique_or_indexed():
    class Probe(models.Model):  # noqa: DJ008
        secret = EncryptedTextField(unique=True)

        class Meta:
            app_label = "core"

    assert [error.id for error in Probe.check()] == ["core.E101"]


@pytest.mark.django_db
@isolate_apps("creditdesk.core")
def test_the_column_never_holds_the_clear_value(keys):
    """Through the ORM on the database in use: create, update, bulk_update, filters."""

    class Probe(models.Model):  # noqa: DJ008
        id = models.IntegerField(primary_key=True)
        secret = EncryptedTextField(null=True)

        class Meta:
            app_label = "core"
            db_table = "core_crypto_probe"
            managed = False

    def raw(pk: int) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM core_crypto_probe WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:  # rolled back with the test's transaction on both databases
        cursor.execute("CREATE TABLE core_crypto_probe (id integer PRIMARY KEY, secret text NULL)")

    Probe.objects.create(id=1, secret=ID_NUMBER)
    Probe.objects.create(id=2, secret=None)
    assert raw(1).startswith("v1.k1.") and ID_NUMBER not in raw(1)
    assert raw(2) is None
    assert Probe.objects.get(pk=1).secret == ID_NUMBER

    Probe.objects.filter(pk=1).update(secret="13800138000")
    assert "13800138000" not in raw(1)
    assert Probe.objects.get(pk=1).secret == "13800138000"

    probe = Probe.objects.get(pk=2)
    probe.secret = "张三"
    Probe.objects.bulk_update([probe], ["secret"])
    assert "张三" not in raw(2)
    assert Probe.objects.get(pk=2).secret == "张三"

    assert Probe.objects.filter(secret__isnull=False).count() == 2
    assert Probe.objects.filter(secret__isnull=True).count() == 0
    with pytest.raises(FieldError, match=r"'core\.probe\.secret'"):
        Probe.objects.filter(secret=ID_NUMBER).exists()


def test_field_stores_an_empty_value_as_empty(keys):
    # Emptiness is visible anyway (masks, "已登记"); an empty value costs no seal.
    field = _field(blank=True)
    assert field.get_db_prep_save("", connection) == ""
    assert field.from_db_value("", None, connection) == ""


def test_field_reads_an_old_token_of_an_empty_value(keys):
    # Rows saved before empty values were stored as "" hold a token sealed from "".
    field = _field(blank=True)
    old = encrypt("", context=CTX)
    assert old.startswith("v1.k1.")
    assert field.from_db_value(old, None, connection) == ""


def test_field_still_refuses_a_foreign_token_of_an_empty_value(keys):
    foreign = encrypt("", context="customers.customer.phone")
    with pytest.raises(DecryptionError):
        _field().from_db_value(foreign, None, connection)


def test_field_seals_whitespace_and_keeps_null(keys):
    field = _field(null=True)
    stored = field.get_db_prep_save(" ", connection)
    assert stored.startswith("v1.k1.")
    assert field.from_db_value(stored, None, connection) == " "
    assert field.get_db_prep_save(None, connection) is None
