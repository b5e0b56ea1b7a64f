"""Stand-ins for the HTTP clients' and SDKs' exceptions (same names and attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Response:
    """Like httpx.Response / requests.Response: a status and headers."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


class HTTPStatusError(Exception):
    """Like httpx.HTTPStatusError: the status is on `.response`."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.response = Response(status, headers or {})


class APIStatusError(Exception):
    """Like openai/anthropic APIStatusError: `.status_code` and `.response`."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"Error code: {status}")
        self.status_code = status
        self.response = Response(status, headers or {})


class RateLimitError(APIStatusError):
    """openai.RateLimitError."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        super().__init__(429, headers)


class AuthenticationError(APIStatusError):
    """openai.AuthenticationError."""

    def __init__(self) -> None:
        super().__init__(401)


class APIConnectionError(Exception):
    """openai.APIConnectionError: no status."""


class APITimeoutError(APIConnectionError):
    """openai.APITimeoutError."""


class TransportError(Exception):
    """httpx.TransportError."""


class TimeoutException(TransportError):
    """httpx.TimeoutException."""


class ReadTimeout(TimeoutException):
    """httpx.ReadTimeout."""


class NetworkError(TransportError):
    """httpx.NetworkError."""


class ConnectError(NetworkError):
    """httpx.ConnectError."""


class RequestException(OSError):
    """requests.RequestException."""


class Timeout(RequestException):
    """requests.Timeout."""


class ConnectionError(RequestException):  # requests' own name, shadowing the builtin
    """requests.ConnectionError."""


class ChunkedEncodingError(RequestException):
    """requests.ChunkedEncodingError."""


class HTTPError(RequestException):
    """requests.HTTPError (status on `.response`)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"{status} Server Error")
        self.response = Response(status)
