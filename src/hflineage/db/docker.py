"""Docker detection: ping the daemon, never just look for the client."""

from __future__ import annotations

import functools


@functools.cache
def docker_available(timeout: float = 3.0) -> bool:
    """True when a Docker engine answers a ping."""
    try:
        import docker
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=int(timeout))
        ok = bool(client.ping())
        client.close()
        return ok
    except Exception:  # any failure to reach the daemon means no Docker
        return False
