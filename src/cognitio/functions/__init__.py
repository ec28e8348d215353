"""Running Lambda-compatible functions: Python handlers in threads, or HTTP endpoints."""
