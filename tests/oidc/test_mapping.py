"""How a provider's claims become an organisation and roles: only what the mapping names."""

from __future__ import annotations

from pathways.people.oidc_accounts import vouched
from tests.oidc.conftest import provider_settings

PROVIDER = provider_settings("https://idp.example", login_prefix="wl-")


def test_only_mapped_groups_give_roles_and_unknown_ones_give_nothing():
    claims = {
        "sub": "s-1",
        "preferred_username": "Kaisa.Korhonen@westland.example",
        "organisation": "WL-EA",
        "groups": ["pw-managers", "domain-admins", "admin"],
    }

    found = vouched(PROVIDER, claims)

    assert found is not None
    assert (found.login, found.organisation, found.roles) == (
        "wl-kaisa-korhonen-westland-example",
        "westland-ea",
        ["manager"],
    )


def test_no_mapped_organisation_or_no_mapped_role_is_no_access():
    base = {"sub": "s-1", "preferred_username": "k"}
    assert (
        vouched(PROVIDER, {**base, "organisation": "ELSEWHERE", "groups": ["pw-managers"]}) is None
    )
    assert vouched(PROVIDER, {**base, "organisation": "WL-EA", "groups": ["staff"]}) is None
    assert vouched(PROVIDER, {**base, "organisation": "WL-EA", "groups": "pw-managers"}) is not None


def test_a_provider_of_one_organisation_needs_no_organisation_claim():
    provider = provider_settings("https://idp.example", organisation="barsby", organisations={})
    found = vouched(
        provider, {"sub": "s-2", "preferred_username": "u", "groups": ["pw-caseworkers"]}
    )
    assert found is not None and found.organisation == "barsby"
