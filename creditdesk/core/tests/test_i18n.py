"""The English catalogue: Chinese by default, English on request, and a catalogue that is complete.

Source strings are Chinese, so an English msgid without a msgstr would show Chinese on an English page.
These tests fail when a string has no translation, when a translation is fuzzy, when the compiled .mo
lags behind the .po, and (where GNU gettext is installed) when the code has a string that is not in the
catalogue yet. To fix: ``creditdesk makemessages -l en --ignore=.venv --ignore=var --ignore=static
--ignore=test-output --ignore=benchmarks``, translate, then ``make messages``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

# What `makemessages` is told to skip (see the module docstring); hidden folders are skipped too.
IGNORED_TOP_LEVEL = {".venv", "var", "static", "test-output", "benchmarks", "locale"}
# msgstrs that are rightly Chinese: the language switcher names Chinese in Chinese.
CHINESE_ALLOWED = {"简体中文"}

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\w*\}")


def _entries(catalogue: polib._BaseFile) -> list[polib._BaseEntry]:
    return [e for e in catalogue if not e.obsolete and e.msgid != ""]


def _translations(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], tuple[str, ...]]:
    return {
        (e.msgctxt or None, e.msgid): (
            tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)) if e.msgid_plural else (e.msgstr,)
        )
        for e in _entries(catalogue)
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The ``org`` fixture hashes a password per person; these tests never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def en_po() -> polib.POFile:
    assert EN_PO.exists(), f"{EN_PO} is missing: run makemessages -l en"
    return polib.pofile(str(EN_PO))


# --- Pages ----------------------------------------------------------------------------------------


def test_workbench_is_chinese_by_default(client, org):
    client.force_login(org.cm_a)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "我的工作台" in body
    assert "客户经理" in body
    assert "My workbench" not in body


def test_set_language_switches_the_workbench_to_english(client, org):
    client.force_login(org.cm_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "My workbench" in body
    assert "Customer manager" in body  # the role badge
    assert "Tasks" in body  # the navigation
    assert "我的工作台" not in body


def test_accept_language_header_gives_english(client, org):
    client.force_login(org.lead1)
    body = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "My workbench" in body
    assert "Team lead" in body
    assert "我的工作台" not in body


def test_set_language_back_to_chinese(client, org):
    client.force_login(org.cm_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的工作台" in client.get("/").content.decode()


def test_login_page_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert "Sign in" in body
    assert "Username" in body
    assert "Password" in body
    assert "用户名" not in body
    assert "密码" not in body


def test_login_page_english_from_header(client, db):
    body = client.get("/accounts/login/", headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert "Username" in body
    assert "用户名" not in body


def test_login_page_chinese_by_default(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert "用户名" in body
    assert "Username" not in body


# --- The catalogue --------------------------------------------------------------------------------


def test_po_header(en_po):
    assert en_po.metadata.get("Language") == "en"
    assert "charset=UTF-8" in en_po.metadata.get("Content-Type", "")
    assert en_po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert not en_po.metadata_is_fuzzy


def test_every_msgid_has_an_english_msgstr(en_po):
    untranslated = [e.msgid for e in _entries(en_po) if not e.translated()]
    assert not untranslated, f"untranslated in {EN_PO.name}: {untranslated}"
    fuzzy = [e.msgid for e in _entries(en_po) if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check and remove the flag): {fuzzy}"


def test_translations_are_english_and_keep_placeholders(en_po):
    for (_ctx, msgid), msgstrs in _translations(en_po).items():
        for msgstr in msgstrs:
            if msgstr not in CHINESE_ALLOWED:
                assert not HAN.search(msgstr), f"Chinese left in the translation of {msgid!r}: {msgstr!r}"
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), (
                f"placeholders differ: {msgid!r} → {msgstr!r}"
            )


def test_mo_is_compiled_from_the_current_po(en_po):
    assert EN_MO.exists(), f"{EN_MO} is missing: run make messages"
    mo = polib.mofile(str(EN_MO))
    po_map = {k: v for k, v in _translations(en_po).items() if all(v)}
    assert _translations(mo) == po_map, "the .mo is stale: run make messages"


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msguniq")),
    reason="GNU gettext (xgettext) is not installed; cannot extract source strings",
)
def test_catalogue_covers_every_source_string(en_po, tmp_path, monkeypatch, settings):
    """Extract the strings from a copy of the source tree and check each is in the catalogue."""
    base = Path(settings.BASE_DIR)
    for item in base.iterdir():
        if item.name.startswith(".") or item.name in IGNORED_TOP_LEVEL or item.name.endswith(".egg-info"):
            continue
        if item.is_dir():
            shutil.copytree(
                item, tmp_path / item.name, ignore=shutil.ignore_patterns("__pycache__", "locale")
            )
        elif item.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(item, tmp_path / item.name)
    locale = tmp_path / "creditdesk" / "locale"
    locale.mkdir(parents=True, exist_ok=True)
    settings.LOCALE_PATHS = [locale]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["en"], verbosity=0)

    extracted = polib.pofile(str(locale / "en" / "LC_MESSAGES" / "django.po"))
    translated = {k for k, v in _translations(en_po).items() if all(v)}
    missing = sorted(
        f"{e.msgid!r} ({', '.join(f'{p}:{n}' for p, n in e.occurrences[:2])})"
        for e in _entries(extracted)
        if (e.msgctxt or None, e.msgid) not in translated
    )
    assert not missing, (
        "strings not in the English catalogue (run makemessages and translate):\n" + "\n".join(missing)
    )
