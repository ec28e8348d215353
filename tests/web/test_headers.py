"""The hosted pages' CSP sources, from callback URLs an admin chose."""

from __future__ import annotations

from cognitio.web.headers import page_policy, source_of


def test_sources_are_origins_that_cannot_break_the_policy() -> None:
    assert source_of("https://app.example.com:8443/cb?x=1") == "https://app.example.com:8443"
    assert source_of("http://user:pw@localhost:8000/cb") == "http://localhost:8000"
    assert source_of("http://[::1]:8000/cb") == "http://[::1]:8000"
    assert source_of("myapp://callback") == "myapp:"
    assert source_of("https://evil.example;script-src *") is None
    assert source_of("https://a.example/ 'unsafe-inline'") == "https://a.example"
    assert source_of("not a url") is None


def test_a_policy_names_each_origin_once() -> None:
    policy = page_policy(["https://a.example/1", "https://a.example/2", "x y:z"], [])
    assert "form-action 'self' https://a.example;" in policy
