"""Server hardening: bind policy, bearer tokens, request-size limits, upload names.

The rules: loopback binds may run without a token; any other bind refuses to
start without ``settings.api_token``. When a token is configured, ``/api/*`` and
``/v1/*`` require ``Authorization: Bearer <token>`` (constant-time compare).
Bodies are capped before they reach a route: JSON at ``max_request_kb``,
uploads at ``max_upload_mb``.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import re
import unicodedata
from pathlib import Path

from rag.config import Settings
from rag.errors import BadRequest, ConfigError

UPLOAD_TYPES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
PROTECTED_PREFIXES = ("/api/", "/v1/")
UPLOAD_PATH = "/api/documents"
# Multipart framing (boundaries, part headers) on top of the file itself.
MULTIPART_SLACK = 64 * 1024
_UNSAFE = re.compile(r"[^\w\s.\-()（）【】《》,，、+]")
_MAX_NAME = 120


def is_loopback(host: str) -> bool:
    """True for localhost / 127.0.0.0/8 / ::1 — binds that other machines cannot reach."""
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings) -> None:
    """Refuse to serve beyond loopback without an API token."""
    if is_loopback(settings.host) or token_of(settings):
        return
    raise ConfigError(
        f"refusing to bind {settings.host}:{settings.port} without an API token: "
        "a non-loopback address exposes the API to the network",
        "set SPEECHQA_API_TOKEN to a long random secret (clients send `Authorization: Bearer <token>`), "
        "or bind --host 127.0.0.1")


def token_of(settings: Settings) -> str:
    """The configured API token, or '' when none is set."""
    return settings.api_token.get_secret_value() if settings.api_token else ""


def bearer_ok(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries exactly this bearer token."""
    if not token:
        return True
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def sanitize_filename(name: str) -> str:
    """A safe file name from a client-supplied one: no directories, no control or shell characters.

    Chinese characters and spaces survive; anything else odd becomes ``_``.
    Raises ``BadRequest`` when nothing usable is left or the type is not accepted.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise BadRequest("file", f"file type {suffix or '(none)'!r} of {name!r} is not accepted",
                         f"upload one of {', '.join(UPLOAD_TYPES)}")
    stem = stem[:_MAX_NAME].strip()
    if not stem.strip("._ "):
        raise BadRequest("file", f"file name {name!r} has no usable characters",
                         "rename the file (letters, digits or Chinese characters) and upload it again")
    return stem + suffix


def safe_upload_path(upload_dir: Path, filename: str) -> Path:
    """The path inside ``upload_dir`` for a client file name; never outside it."""
    root = upload_dir.resolve()
    target = (root / sanitize_filename(filename)).resolve()
    if target.parent != root:  # defence in depth: sanitize_filename already drops directories
        raise BadRequest("file", f"file name {filename!r} escapes the upload folder", "upload a plain file name")
    return target


class BodyLimitMiddleware:
    """Pure ASGI middleware: rejects bodies over the limit with 413 before a route reads them.

    Checks ``Content-Length`` up front; chunked bodies are buffered up to the limit.
    """

    def __init__(self, app, json_limit: int, upload_limit: int, upload_mb: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        self.upload_mb = upload_mb

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIXES):
            return await self.app(scope, receive, send)
        upload = scope["path"] == UPLOAD_PATH
        limit = self.upload_limit if upload else self.json_limit
        message = (f"upload exceeds the {self.upload_mb} MB limit / 上传文件超过 {self.upload_mb} MB 上限" if upload
                   else f"request body exceeds {limit // 1024} KB / 请求体超过 {limit // 1024} KB 上限")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            # The server enforces that the body matches Content-Length, so the header suffices.
            if not declared.isdigit() or int(declared) > limit:
                return await _too_large(send, message)
            return await self.app(scope, receive, send)
        body = await _read_capped(receive, limit)
        if body is None:
            return await _too_large(send, message)
        await self.app(scope, _replay(body, receive), send)


async def _read_capped(receive, limit: int) -> bytes | None:
    """Read a chunked body fully, or None once it exceeds ``limit``."""
    parts, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        size += len(parts[-1])
        if size > limit:
            return None
        more = message.get("more_body", False)
    return b"".join(parts)


def _replay(body: bytes, receive):
    """A receive callable that yields the buffered body once, then defers to the real one."""
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replay


async def _too_large(send, message: str) -> None:
    body = json.dumps({
        "error": "PayloadTooLarge", "message": message,
        "hint": "send less (split the document), or raise SPEECHQA_MAX_REQUEST_KB / SPEECHQA_MAX_UPLOAD_MB",
    }, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def body_limits(settings: Settings) -> dict:
    """Keyword arguments for ``BodyLimitMiddleware`` from settings."""
    return {"json_limit": settings.max_request_kb * 1024,
            "upload_limit": settings.max_upload_mb * 1024 * 1024 + MULTIPART_SLACK,
            "upload_mb": settings.max_upload_mb}
