"""The demo organisation: realistic, idempotent, one clear line of demo logins, never in production."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import Branch, Team, User
from creditdesk.core.crypto import generate_key
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]


def test_seed_builds_the_demo_organisation_once(settings):
    call_command("seed")
    counts = (Branch.objects.count(), Team.objects.count(), User.objects.count())
    assert counts[:2] == (2, 4)
    assert User.objects.filter(role=Role.MANAGER).count() == 20
    assert User.objects.filter(role=Role.TEAM_LEAD).count() == 4
    assert User.objects.filter(role=Role.APPROVER).values("approval_authority").distinct().count() == 4
    names = list(User.objects.values_list("full_name", flat=True))
    call_command("seed")
    assert (Branch.objects.count(), Team.objects.count(), User.objects.count()) == counts
    assert list(User.objects.values_list("full_name", flat=True)) == names
    assert AuditEvent.objects.filter(action="seed.organisation").count() == 1


def test_demo_logins_form_one_line():
    call_command("seed")
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["manager1", "lead1", "approver1", "risk1", "head1", "admin"]
        )
    }
    assert len(people) == 6
    manager1 = people["manager1"]
    assert manager1.role == Role.MANAGER
    assert people["lead1"].role == Role.TEAM_LEAD and people["lead1"].team == manager1.team
    for name, role in [
        ("head1", Role.BRANCH_HEAD),
        ("approver1", Role.APPROVER),
        ("risk1", Role.RISK_MANAGER),
    ]:
        assert people[name].role == role
        assert people[name].branch == manager1.branch
    assert people["admin"].role == Role.ADMIN and people["admin"].branch is None
    assert manager1.check_password("creditdesk-demo")
    # the second branch belongs to other people
    other_branch = Branch.objects.exclude(pk=manager1.branch_id).get()
    assert User.objects.filter(branch=other_branch, role=Role.BRANCH_HEAD).exclude(username="head1").exists()


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CREDITDESK_DEMO_PASSWORD", "another-demo-pass")
    call_command("seed")
    assert User.objects.get(username="manager1").check_password("another-demo-pass")


def test_seed_is_refused_in_production(tmp_path):
    env = {
        "CREDITDESK_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "PATH": "/usr/bin:/bin",
        "CREDITDESK_VAR_DIR": str(tmp_path),
        "CREDITDESK_FIELD_KEYS": "k1:" + generate_key(),
        "CREDITDESK_BLIND_INDEX_KEY": generate_key(),
    }
    result = subprocess.run(
        [sys.executable, "-m", "creditdesk.cli", "seed"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "生产环境" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {"CREDITDESK_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_demo_admin_manages_configuration_but_sees_no_customer_data(client):
    call_command("seed")
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.has_perm("rates.change_lprrate")
    assert admin.has_perm("accounts.change_user")
    assert admin.has_perm("core.view_auditevent")
    assert not admin.has_perm("agenda.view_task")
    client.force_login(admin)
    assert client.get("/admin/rates/lprrate/").status_code == 200
    assert client.get("/admin/agenda/task/").status_code == 403


def test_production_refuses_to_start_without_encryption_keys(tmp_path):
    env = {
        "CREDITDESK_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "PATH": "/usr/bin:/bin",
        "CREDITDESK_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "creditdesk.cli", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CREDITDESK_FIELD_KEYS and CREDITDESK_BLIND_INDEX_KEY must be set" in result.stderr
