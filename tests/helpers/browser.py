"""Debian's Chromium, driven by Playwright, for the tests that use the hosted pages in a real
browser: where Chromium is, when those tests skip, and the Content-Security-Policy refusals a
page reports."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# A laptop without Chromium skips these; CI (COGNITIO_CI=1, set by .ci/run) fails instead.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("COGNITIO_CI"), reason="Chromium is not installed"
)


def csp_violations(page: Any) -> list[str]:
    """Console messages of this page that report something its Content-Security-Policy refused
    (security review #14: the pages must work under their own policy)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused
