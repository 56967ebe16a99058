"""Docker detection: ping the daemon, never just look for the client."""

from __future__ import annotations

import functools


@functools.cache
def docker_available(timeout: float = 3.0) -> bool:
    """True when the engine that ``DOCKER_HOST`` names (default: the local socket) answers
    ``GET /_ping`` with ``200 OK``."""
    try:
        import docker
    except ImportError:
        return False
    try:
        # A fixed API version: the default ("auto") would first ask /version, so the ping
        # alone would not decide.
        with docker.APIClient(version=docker.constants.MINIMUM_DOCKER_API_VERSION,
                              timeout=timeout, **docker.utils.kwargs_from_env()) as client:
            reply = client.get(f"{client.base_url}/_ping", timeout=timeout)
        return bool(reply.status_code == 200 and reply.text == "OK")
    except Exception:  # any failure to reach the daemon means no Docker
        return False
