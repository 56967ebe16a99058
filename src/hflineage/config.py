"""Every setting in one place: environment, then `.env`, then defaults."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hflineage.errors import ConfigError

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


class Settings(BaseSettings):
    """hflineage settings. CLI flags override these."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    neo4j_uri: str | None = Field(default=None, description="Bolt/neo4j URI of an external server")
    neo4j_username: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    hf_token: SecretStr | None = None
    hf_endpoint: str | None = None
    hflineage_home: Path | None = Field(default=None, description="state folder override")
    hflineage_cache: Path | None = Field(default=None, description="jar cache override")
    hflineage_batch_size: int = 5000
    hflineage_query_timeout: float = 60.0
    hflineage_retry_time: float = Field(
        default=30.0, description="seconds the driver retries a transaction on transient errors "
                                  "and lost connections before giving up")
    hflineage_max_concurrent: int = Field(
        default=8, ge=1, description="requests the explorer reads the graph for at once; one "
                                     "more waits a few seconds for a turn, then gets 503 busy")
    hflineage_neo4j_version: str = "5.26.31"
    hflineage_neo4j_heap: str | None = Field(
        default=None, pattern=r"^[1-9][0-9]*[kmg]$",
        description="heap of the managed server, e.g. 6g (default RAM/6, 1g to 4g)")
    hflineage_neo4j_pagecache: str | None = Field(
        default=None, pattern=r"^[1-9][0-9]*[kmg]$",
        description="page cache of the managed server, e.g. 8g (default RAM/12, 1g to 4g)")

    @field_validator("neo4j_uri")
    @classmethod
    def _bolt_uri(cls, uri: str | None) -> str | None:
        """A Bolt URI; the http(s) address Neo4j Browser shows is refused with the fix."""
        if not uri:
            return uri
        parts = urlsplit(uri)
        host = parts.hostname or "localhost"
        if parts.scheme.lower() in ("http", "https"):
            bolt = "bolt+s" if parts.scheme.lower() == "https" else "bolt"
            raise ValueError(
                f"{parts.scheme}:// is Neo4j Browser's address, not Bolt: use "
                f"{bolt}://{host}:7687 (the HTTP port, 7474 or 7473, serves only the browser)")
        if parts.scheme.lower() not in BOLT_SCHEMES:
            raise ValueError(f"not a Bolt URI; use bolt://{host}:7687 "
                             f"(schemes: {', '.join(s + '://' for s in BOLT_SCHEMES)})")
        return uri

    @cached_property
    def state_dir(self) -> Path:
        return self.hflineage_home or _xdg("XDG_STATE_HOME", ".local/state") / "hflineage"

    @property
    def crawl_dir(self) -> Path:
        """Where ``load hub`` keeps its crawl folders (checkpoints) unless told otherwise."""
        return self.state_dir / "hub"

    @cached_property
    def cache_dir(self) -> Path:
        return self.hflineage_cache or _xdg("XDG_CACHE_HOME", ".cache") / "hflineage"


def get_settings(**overrides: object) -> Settings:
    """Fresh settings, with explicit overrides (from CLI flags) applied on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]  # validated by pydantic below
    except ValidationError as e:
        # Name the variables, never echo their values (one could be a password).
        wrong = "; ".join(f"{'.'.join(map(str, err['loc'])).upper()}: "
                          f"{err['msg'].removeprefix('Value error, ')}" for err in e.errors())
        raise ConfigError(f"invalid setting {wrong}") from None
