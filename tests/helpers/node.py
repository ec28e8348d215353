"""Node.js and npm for the tests that run npm peers (oidc-provider, saml-idp, the AWS SDK for
JavaScript's signer, aws-jwt-verify): whether they are here, and the mark those tests carry.

A laptop without Node.js skips them through ``needs_node``; CI (COGNITIO_CI=1, set by .ci/run)
runs them, and a peer that then finds no Node.js fails the test (``require_node``)."""

from __future__ import annotations

import os
import shutil

import pytest


def node_missing() -> bool:
    return shutil.which("node") is None or shutil.which("npm") is None


def skip_without_node() -> bool:
    """Whether to skip: node or npm is missing and this is not CI."""
    return node_missing() and not os.environ.get("COGNITIO_CI")


needs_node = pytest.mark.skipif(
    skip_without_node(), reason="node and npm must be on PATH to run the npm peers"
)


def require_node(peer: str) -> None:
    """Fail when Node.js is missing where a test that runs ``peer`` was let run (CI, or a test
    without the ``needs_node`` mark)."""
    if node_missing():
        pytest.fail(f"node and npm must be on PATH to run {peer}")
