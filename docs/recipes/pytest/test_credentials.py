"""Example tests: botocore's credential chain against metamock's IMDS.

Run: METAMOCK=/path/to/metamock python3 -m pytest docs/recipes/pytest

Each test gets a fresh metamock from conftest.py's `metamock` fixture, with
the environment pointing botocore at it. The tests only resolve
credentials (Session.get_credentials()): no client, no signed request, no
AWS service.
"""

import botocore.session
import pytest


def resolve():
    """What an application's botocore would resolve, in a new session (a
    session caches its credentials)."""
    return botocore.session.get_session().get_credentials()


def test_instance_role_credentials(metamock):
    credentials = resolve()
    assert credentials is not None
    assert credentials.method == "iam-role"
    assert credentials.get_frozen_credentials().access_key.startswith("ASIA")


def test_role_removed_from_profile(metamock):
    # Switch the running metamock to another bundled scenario.
    metamock.switch("role-removed-from-profile")
    # botocore finds nothing; a client would raise NoCredentialsError.
    assert resolve() is None


@pytest.mark.scenario("role-readded")
def test_no_credentials_until_the_next_rotation(metamock):
    # role-readded: the role leaves the profile at +5m and is added back at
    # +10m; IMDS serves no credentials until the rotation at +60m.
    assert resolve() is not None
    metamock.advance("6m")
    assert resolve() is None
    metamock.advance("5m")   # +11m: the role is back in the profile...
    assert resolve() is None  # ...but not served before the rotation
    metamock.advance("50m")  # +61m
    assert resolve().method == "iam-role"


def test_credentials_endpoint_failing(metamock):
    # A fault rule: the role's credentials document answers IMDS's 500 page.
    metamock.add_fault({
        "match": {"path": "/latest/meta-data/iam/security-credentials/*"},
        "effect": {"preset": "imds-500"},
    })
    assert resolve() is None
