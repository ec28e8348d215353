"""Invoke the function a Lambda ARN names, as the config file's ``[functions]`` table maps it.

A Python target runs ``handler(event, context)`` in a thread pool of its own, so a slow handler
holds a trigger thread, never the event loop or the threads that hash passwords; an HTTP target
gets the event as a JSON POST and answers with it. Either way the handler sees a fresh copy of
the event and its answer must be a JSON object. Failures map to Cognito's three errors:

- the handler raised (or the endpoint answered an error status): UserLambdaValidationException,
  "<Trigger> failed with error <message>.";
- the answer is not a JSON object: InvalidLambdaResponseException;
- no mapping, or the call ran past its timeout or could not be made: UnexpectedLambdaException.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson

from cognitio.config import ConfigError, FunctionSpec
from cognitio.crypto.signatures import signature_headers
from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from cognitio.functions.context import LambdaContext

log = logging.getLogger("cognitio.functions")
_THREADS = 16  # handlers running at once; more wait their turn (and their timeout runs)
_MAX_MESSAGE = 2048

Handler = Callable[[JsonObject, LambdaContext], object]


def function_name(arn: str) -> str:
    """The function an ARN names: ``arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]``,
    or a bare name."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[5] == "function":
        return parts[6]
    return parts[-1]


class Functions:
    """The configured functions, resolved at start."""

    def __init__(self, specs: tuple[FunctionSpec, ...]) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._handlers: dict[str, Handler] = {}
        self._threads: ThreadPoolExecutor | None = None
        self._http: httpx.AsyncClient | None = None

    def load(self) -> None:
        """Import every Python handler now, so a broken mapping stops the start."""
        for spec in self._specs.values():
            target = spec.python
            if target is None:
                continue
            module_name, attribute = target
            if str(spec.base_dir) not in sys.path:
                sys.path.insert(0, str(spec.base_dir))
            try:
                module = importlib.import_module(module_name)
            except Exception as error:  # any import-time failure of user code
                raise ConfigError(
                    f"functions.{spec.name}: cannot import {module_name} from {spec.base_dir}: "
                    f"{type(error).__name__}: {error}"
                ) from None
            handler = getattr(module, attribute, None)
            if not callable(handler):
                raise ConfigError(
                    f"functions.{spec.name}: {module_name}.{attribute} is not callable"
                )
            self._handlers[spec.name] = handler

    def knows(self, arn: str) -> bool:
        return function_name(arn) in self._specs

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)

    async def invoke(self, arn: str, trigger: str, event: JsonObject) -> JsonObject:
        """Run the function; its answer (the event, with ``response`` filled in)."""
        spec = self._specs.get(function_name(arn))
        if spec is None:
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error: no function is mapped for {arn}."
            )
        payload = orjson.dumps(event)
        answer: JsonValue
        try:
            if spec.python is not None:
                answer = await self._run_python(spec, arn, trigger, payload)
            else:
                answer = await self._post(spec, trigger, payload)
        except TimeoutError:
            log.warning("function %s timed out after %s s", spec.name, spec.timeout_s)
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error TimeoutError: the function ran past "
                f"its {spec.timeout_s:g} s timeout."
            ) from None
        if not isinstance(answer, dict):
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
        return answer

    async def _run_python(
        self, spec: FunctionSpec, arn: str, trigger: str, payload: bytes
    ) -> JsonValue:
        handler = self._handlers[spec.name]
        event: JsonObject = orjson.loads(payload)  # the handler's own copy
        context = LambdaContext(spec.name, arn, spec.timeout_s)
        if self._threads is None:
            self._threads = ThreadPoolExecutor(_THREADS, thread_name_prefix="function")
        loop = asyncio.get_running_loop()

        def call() -> object:
            return handler(event, context)

        try:
            answer = await asyncio.wait_for(
                loop.run_in_executor(self._threads, call), spec.timeout_s
            )
        except TimeoutError:
            raise
        except Exception as error:  # the handler's own exception: its message is the point
            log.info("function %s raised %s", spec.name, type(error).__name__)
            raise UserLambdaValidationException(
                _failed(trigger, str(error) or type(error).__name__)
            ) from None
        try:
            copied: JsonValue = orjson.loads(orjson.dumps(answer))
        except TypeError:
            raise InvalidLambdaResponseException("Unrecognizable lambda output") from None
        return copied

    async def _post(self, spec: FunctionSpec, trigger: str, payload: bytes) -> JsonValue:
        if self._http is None:
            self._http = httpx.AsyncClient()
        headers = {"Content-Type": "application/json", "X-Cognitio-Function": spec.name}
        if spec.secret is not None:
            headers.update(signature_headers(payload, spec.secret))
        try:
            response = await self._http.post(
                spec.target, content=payload, headers=headers, timeout=spec.timeout_s
            )
        except httpx.TimeoutException:
            raise TimeoutError from None
        except httpx.HTTPError as error:
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error {type(error).__name__}."
            ) from None
        body: JsonValue
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            message = body.get("errorMessage") if isinstance(body, dict) else None
            text = str(message) if message else f"HTTP {response.status_code}"
            raise UserLambdaValidationException(_failed(trigger, text))
        return body


def _failed(trigger: str, message: str) -> str:
    """Cognito's wording for a function that refused: ``PreSignUp failed with error ….``"""
    return f"{trigger} failed with error {message[:_MAX_MESSAGE]}."
