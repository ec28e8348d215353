"""The context object a Python handler gets, with the attributes of Lambda's Python context.

Reference: AWS Lambda developer guide, "Using the Lambda context object to retrieve Python
function information".
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime


class LambdaContext:
    """What ``handler(event, context)`` receives as ``context``."""

    def __init__(self, function_name: str, arn: str, timeout_s: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = "128"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        self.log_stream_name = f"{day}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))
