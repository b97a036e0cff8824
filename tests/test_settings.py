"""Secrets: placeholders refused outside demo mode; an unset key is generated once and kept."""

from __future__ import annotations

import stat

import pytest
from pydantic import ValidationError

from pathways.keys import secret_key
from pathways.settings import Settings


@pytest.mark.parametrize("placeholder", ["changeme", "secret", "short-but-real"])
def test_a_placeholder_secret_key_is_refused_outside_demo_mode(placeholder):
    with pytest.raises(ValidationError, match="PATHWAYS_SECRET_KEY"):
        Settings(secret_key=placeholder)


def test_demo_mode_accepts_any_secret_key():
    assert Settings(secret_key="changeme", demo=True).secret_key is not None


def test_an_unset_key_is_generated_once_and_kept_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    first = secret_key(settings)
    kept = tmp_path / "var" / "secret_key"
    assert len(first) >= 32 and kept.read_bytes().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert secret_key(Settings(data_dir=tmp_path / "var")) == first


def test_a_set_key_is_used_as_given(tmp_path):
    key = "k" * 40
    assert secret_key(Settings(secret_key=key, data_dir=tmp_path)) == key.encode()
    assert not (tmp_path / "secret_key").exists()


def test_identity_providers_come_from_the_environment_with_their_secret_kept_secret(
    monkeypatch,
):
    providers = (
        '[{"name": "westland", "title": "Westland ID",'
        ' "issuer": "https://login.microsoftonline.com/tenant/v2.0",'
        ' "client_id": "c-1", "client_secret": "s3cret-value",'
        ' "roles": {"pw-caseworkers": ["caseworker"]}}]'
    )
    monkeypatch.setenv("PATHWAYS_AUTH__PROVIDERS", providers)
    monkeypatch.setenv("PATHWAYS_AUTH__LOCAL_PASSWORDS", "false")

    settings = Settings()

    provider = settings.auth.provider("westland")
    assert provider is not None and provider.roles == {"pw-caseworkers": ["caseworker"]}
    assert "s3cret-value" not in repr(settings)
    assert provider.client_secret is not None
    assert provider.client_secret.get_secret_value() == "s3cret-value"
    assert settings.local_passwords is False
    assert Settings(demo=True).local_passwords is True  # the demo always has passwords


def test_an_identity_provider_must_be_reached_over_https():
    with pytest.raises(ValidationError, match="https"):
        Settings(
            auth={
                "providers": [
                    {"name": "x", "title": "X", "issuer": "http://idp.example", "client_id": "c"}
                ]
            }
        )


def test_access_tokens_for_the_api_cannot_share_the_sign_in_audience():
    with pytest.raises(ValidationError, match="api_audience"):
        Settings(
            auth={
                "providers": [
                    {
                        "name": "x",
                        "title": "X",
                        "issuer": "https://idp.example",
                        "client_id": "c",
                        "api_audience": "c",
                    }
                ]
            }
        )
