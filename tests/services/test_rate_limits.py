"""Abuse limits' pure parts: the client address, the buckets, the settings (no server)."""

from __future__ import annotations

import pytest

from cognitio.config import ConfigError, Settings, load_settings
from cognitio.services.security.rate_limits import LocalBuckets, Rate, RateLimits, token_operations


def limits(*proxies: str) -> RateLimits:
    return RateLimits(None, Settings(trusted_proxies=proxies))  # type: ignore[arg-type]


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    """Security review #10: X-Forwarded-For is believed only from a configured proxy."""
    assert limits().client_ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    behind = limits("10.0.0.0/8")
    assert behind.client_ip("10.1.2.3", "198.51.100.1, 10.9.9.9") == "198.51.100.1"
    # A client cannot hide behind an address it writes itself.
    assert behind.client_ip("10.1.2.3", "10.0.0.1, 198.51.100.7") == "198.51.100.7"
    assert behind.client_ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert behind.client_ip(None, None) == "unknown"


def test_an_ipv6_client_is_its_slash_64_and_a_port_is_not_part_of_an_address() -> None:
    """Attack F7: a host with a /64 cannot make itself a million clients; a hop's port (some
    proxies write one) does not make another client either."""
    direct = limits()
    assert direct.client_ip("2001:db8:1:2::1", None) == "2001:db8:1:2::/64"
    assert direct.client_ip("2001:db8:1:2:ffff::9", None) == "2001:db8:1:2::/64"
    assert direct.client_ip("2001:db8:1:3::1", None) == "2001:db8:1:3::/64"
    assert direct.client_ip("::ffff:203.0.113.9", None) == "203.0.113.9"
    behind = limits("10.0.0.0/8")
    assert behind.client_ip("10.1.2.3", "198.51.100.1:5555") == "198.51.100.1"
    assert behind.client_ip("10.1.2.3", "[2001:db8::1]:443, 10.0.0.9:80") == "2001:db8::/64"
    assert behind.client_ip("10.1.2.3", "2001:db8::7") == "2001:db8::/64"
    assert behind.client_ip("10.1.2.3", "not-an-address") == "not-an-address"


def test_a_bucket_is_an_interval_and_a_tolerance() -> None:
    assert Rate(10, 5).bucket("k") == ("k", 100, 400)
    assert Rate(0, 5).bucket("k") is None


def test_access_token_operations_are_the_unsigned_ones_that_require_a_token() -> None:
    names = token_operations()
    assert {"GetUser", "ChangePassword", "VerifyUserAttribute"} <= names
    assert not {"InitiateAuth", "SignUp", "ForgotPassword", "AssociateSoftwareToken"} & names


def test_limits_are_validated_settings() -> None:
    settings = load_settings(
        environ={
            "COGNITIO_RATE_LIMIT_IP_PER_SECOND": "2.5",
            "COGNITIO_CODE_MESSAGES_PER_DAY": "0",
            "COGNITIO_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
        }
    )
    assert settings.rate_limit_ip_per_second == 2.5
    assert settings.code_messages_per_day == 0
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.1/32")
    for variable, value in (
        ("COGNITIO_RATE_LIMIT_IP_PER_SECOND", "-1"),
        ("COGNITIO_RATE_LIMIT_USER_BURST", "0"),
        ("COGNITIO_TRUSTED_PROXIES", "not-an-address"),
        ("COGNITIO_PASSWORD_HASH_QUEUE", "many"),
    ):
        with pytest.raises(ConfigError):
            load_settings(environ={variable: value})


def test_a_local_bucket_refuses_past_the_burst_without_the_database() -> None:
    """Attack finding 7 (second round): a flood from one address is refused in the process,
    before it costs a database write; other addresses are not affected."""
    local = LocalBuckets(Rate(1, 3))
    assert [local.admit("203.0.113.9", 1000) for _ in range(4)] == [True, True, True, False]
    assert local.admit("198.51.100.7", 1000)
    assert local.admit("203.0.113.9", 2000)  # a second later, one token is back
    assert not local.admit("203.0.113.9", 2000)
    assert LocalBuckets(Rate(0, 3)).admit("203.0.113.9", 1000)  # rate 0: off
