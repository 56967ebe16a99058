"""A real Neo4j Community 5.26 server provisioned from Maven Central and run as a local JVM.

Layout of an instance folder (``home``)::

    conf/neo4j.conf   data/   logs/console.log   run/   plugins/   password   instance.json

The jars live once per version in ``<cache>/neo4j-<version>/lib`` and are shared by instances.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from hflineage.config import Settings
from hflineage.errors import ProvisionError, RuntimeUnavailableError, ServerStartError

if TYPE_CHECKING:
    import neo4j

    from hflineage.db.connection import Connection

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
REQUIRED_JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)
SERVER_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+ExitOnOutOfMemoryError",
)
FALLBACK_VERSIONS = ("5.26.31", "5.26.30", "5.26.27", "5.26.26", "5.26.12")
GIB = 1024**3


@dataclass(frozen=True)
class Memory:
    """Heap and page cache of one instance, as Neo4j size strings (``"1g"``, ``"512m"``)."""

    heap: str
    pagecache: str

    @classmethod
    def for_user(cls, heap: str | None = None, pagecache: str | None = None) -> Memory:
        """RAM/6 of heap and RAM/12 of page cache (whole GiB, 1g to 4g each), unless given
        (``HFLINEAGE_NEO4J_HEAP``, ``HFLINEAGE_NEO4J_PAGECACHE``).

        On this 23.5 GiB machine that is 3g + 1g, leaving room for a test instance (1g + 512m),
        the loader and the OS.
        """
        total = psutil.virtual_memory().total
        default_heap = max(1, min(4, total // 6 // GIB))
        default_cache = max(1, min(4, total // 12 // GIB))
        return cls(heap=heap or f"{default_heap}g", pagecache=pagecache or f"{default_cache}g")

    def settings(self) -> dict[str, str]:
        """The ``neo4j.conf`` settings: a fixed heap (initial = max) and the page cache."""
        return {
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
        }

    def docker_env(self) -> dict[str, str]:
        """The same settings as the official image's ``NEO4J_*`` variables (``_`` → ``__``,
        ``.`` → ``_``)."""
        return {"NEO4J_" + k.replace("_", "__").replace(".", "_"): v
                for k, v in self.settings().items()}


#: The demo's sample is a few hundred nodes.
DEMO_MEMORY = Memory(heap="1g", pagecache="256m")


@dataclass
class Status:
    """What ``db status`` reports."""

    state: str  # running | stopped | not-provisioned
    uri: str | None
    pid: int | None
    home: Path
    version: str

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["home"] = str(self.home)
        return d


def find_java() -> str:
    """A Java 17 or 21 executable, or a one-line error saying what to install."""
    if os.environ.get("HFLINEAGE_JAVA"):
        candidates = [os.environ["HFLINEAGE_JAVA"]]
    else:
        candidates = _java_candidates()
    for cand in candidates:
        if java_major(cand) in (17, 21):
            return cand
    raise RuntimeUnavailableError(
        "Java 17 (or 21) is required for the managed Neo4j: install it "
        "(e.g. `apt-get install openjdk-17-jre-headless`) or set NEO4J_URI to an existing server."
    )


def _java_candidates() -> list[str]:
    candidates: list[str] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    if shutil.which("java"):
        candidates.append(shutil.which("java") or "java")
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    return candidates


def java_major(java: str) -> int | None:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    return int(match.group(1)) if match else None


def find_maven() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise RuntimeUnavailableError(
            "Maven is required to download Neo4j from Maven Central: install it "
            "(e.g. `apt-get install maven`) or set NEO4J_URI to an existing server."
        )
    return mvn


def free_port(preferred: int | None = None) -> int:
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Nothing listens on the port. Connections a crashed server left in TIME_WAIT do not count:
    the JVM binds with SO_REUSEADDR too, so a restart keeps its port (and users' NEO4J_URI)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hflineage</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{version}</version></dependency>
  </dependencies>
</project>
"""


def provision(cache_dir: Path, version: str) -> tuple[Path, str]:
    """Resolve ``org.neo4j:neo4j`` and its runtime closure into the cache once.

    Returns the lib folder and the version that resolved (falling back to older 5.26 patches).
    """
    versions = [version] + [v for v in FALLBACK_VERSIONS if v != version]
    errors: list[str] = []
    for v in versions:
        lib = cache_dir / f"neo4j-{v}" / "lib"
        if (lib / ".complete").exists():
            return lib, v
    mvn = find_maven()
    for v in versions:
        root = cache_dir / f"neo4j-{v}"
        lib = root / "lib"
        with file_lock(root / ".lock"):
            if (lib / ".complete").exists():
                return lib, v
            tmp = root / "lib.partial"
            shutil.rmtree(tmp, ignore_errors=True)
            pom = root / "pom.xml"
            pom.write_text(_POM.format(version=v))
            proc = subprocess.run(
                [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
                 "-DincludeScope=runtime", f"-DoutputDirectory={tmp}"],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode != 0 or not any(tmp.glob("neo4j-kernel-*.jar")):
                errors.append(f"{v}: {(proc.stdout + proc.stderr).strip()[-400:]}")
                continue
            shutil.rmtree(lib, ignore_errors=True)
            tmp.rename(lib)
            (lib / ".complete").write_text(v)
            return lib, v
    raise ProvisionError(
        "could not resolve Neo4j from Maven Central: " + " | ".join(errors)
    )


class ManagedNeo4j:
    """One local Neo4j instance: its folder, its port, its password, its JVM."""

    def __init__(
        self,
        home: Path,
        cache_dir: Path,
        version: str = FALLBACK_VERSIONS[0],
        memory: Memory | None = None,
    ) -> None:
        self.home = Path(home)
        self.cache_dir = Path(cache_dir)
        self.version = version
        self.memory = memory or Memory.for_user()

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "hflineage-neo4j.pid"

    @property
    def state_file(self) -> Path:
        return self.home / "instance.json"

    @property
    def load_lock_file(self) -> Path:
        """The flock every load into this server holds (``hflineage.db.lock``)."""
        return self.home / "run" / "load.lock"

    @property
    def restore_marker(self) -> Path:
        """Present from the moment a restore stops the server until the restored graph checks
        out: while it exists, the graph may be half-loaded."""
        return self.home / "restore.json"

    def _state(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.state_file.read_text()))
        except (OSError, ValueError):
            return {}

    def _save_state(self, **values: object) -> None:
        state = self._state() | values
        self.home.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state, indent=2))

    @property
    def port(self) -> int | None:
        port = self._state().get("port")
        return int(port) if isinstance(port, int) else None

    @property
    def uri(self) -> str | None:
        return f"bolt://127.0.0.1:{self.port}" if self.port else None

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def pid(self) -> int | None:
        """The pid of our running JVM, clearing a stale pid file."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmd = psutil.Process(pid).cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            cmd = []
        if MAIN_CLASS in cmd and f"--home-dir={self.home}" in cmd:
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def status(self) -> Status:
        pid = self.pid()
        lib_ready = (self.cache_dir / f"neo4j-{self._resolved_version()}" / "lib" / ".complete")
        if pid:
            state = "running"
        elif lib_ready.exists():
            state = "stopped"
        else:
            state = "not-provisioned"
        return Status(state, self.uri if pid else None, pid, self.home, self._resolved_version())

    def _resolved_version(self) -> str:
        v = self._state().get("version")
        return v if isinstance(v, str) else self.version

    def _ensure_password(self) -> str:
        if not self.password_file.exists():
            self.password_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24))
        os.chmod(self.password_file, 0o600)
        return self.password

    def _write_conf(self, port: int) -> None:
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        lines = {
            "server.directories.data": self.data_dir,
            "server.directories.logs": self.home / "logs",
            "server.directories.run": self.home / "run",
            "server.directories.plugins": self.home / "plugins",
            "server.directories.import": self.home / "import",
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.bolt.advertised_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "client.allow_telemetry": "false",
            "dbms.security.allow_csv_import_from_file_urls": "false",
            **self.memory.settings(),
            "db.transaction.timeout": "0",
            "db.tx_log.rotation.retention_policy": "2 files",
        }
        text = "# written by hflineage; edits are overwritten on `db start`\n"
        text += "".join(f"{k}={v}\n" for k, v in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text)

    def java_command(self, java: str, lib: Path, main: str, *args: str, heap: str,
                     extra: Sequence[str] = ()) -> list[str]:
        return [java, f"-Xms{heap}", f"-Xmx{heap}", *REQUIRED_JVM_FLAGS, *extra,
                "-cp", f"{self.home / 'plugins'}/*:{lib}/*", main, *args]

    def admin(self, *args: str, heap: str = "512m", timeout: float | None = None
              ) -> subprocess.CompletedProcess[str]:
        """Run ``neo4j-admin`` (the AdminTool class) against this instance's folders."""
        java = find_java()
        lib, _ = provision(self.cache_dir, self._resolved_version())
        env = os.environ | {"NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        cmd = self.java_command(java, lib, ADMIN_CLASS, *args, heap=heap)
        return subprocess.run(cmd, env=env, capture_output=True, text=True,
                              cwd=self.home, timeout=timeout, check=False)

    def _set_initial_password(self, password: str) -> subprocess.CompletedProcess[str]:
        """``set-initial-password`` with the password in a mode-0600 ``@file`` that neo4j-admin
        expands, after ``--`` (a password may start with ``-``), so no command line shows it."""
        fd, name = tempfile.mkstemp(prefix="pw-", dir=self.home / "run")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(f"--\n{password}\n")
            return self.admin("dbms", "set-initial-password", f"@{name}")
        finally:
            Path(name).unlink(missing_ok=True)

    def start(self, timeout: float = 300.0) -> Status:
        """Provision, configure and start the server; harmless when already running."""
        if self.pid():
            return self.status()
        java = find_java()
        lib, version = provision(self.cache_dir, self.version)
        self._save_state(version=version)
        port = free_port(self.port)
        self._write_conf(port)
        self._save_state(port=port)
        password = self._ensure_password()
        if not (self.data_dir / "dbms" / "auth.ini").exists() and not (
            self.data_dir / "databases" / "system"
        ).exists():
            proc = self._set_initial_password(password)
            if proc.returncode != 0:
                raise ServerStartError(
                    f"setting the initial password failed: {proc.stdout + proc.stderr}".strip()
                )
        cmd = self.java_command(java, lib, MAIN_CLASS, f"--home-dir={self.home}",
                                f"--config-dir={self.conf_dir}", "--console-mode",
                                heap=self.memory.heap, extra=SERVER_JVM_FLAGS)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            proc_ = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.home,
                                     start_new_session=True)
        self.pid_file.write_text(str(proc_.pid))
        self._wait_ready(proc_, port, timeout)
        return self.status()

    def _wait_ready(self, proc: subprocess.Popen[bytes], port: int, timeout: float) -> None:
        from neo4j.exceptions import AuthError, ServiceUnavailable

        from hflineage.db.connection import open_driver
        from hflineage.db.schema import node_count

        deadline = time.monotonic() + timeout
        uri = f"bolt://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise ServerStartError(
                    f"Neo4j exited with code {proc.returncode}; last log lines:\n"
                    + self.log_tail()
                )
            with socket.socket() as s:
                s.settimeout(0.5)
                open_ = s.connect_ex(("127.0.0.1", port)) == 0
            if open_:
                try:
                    # Unverified: this probe tells a refused password from a server not up yet.
                    with open_driver(self._connection(uri), verify=False) as drv:
                        drv.verify_connectivity()
                        node_count(drv)
                    return
                except AuthError as e:
                    self.stop()
                    raise ServerStartError(
                        f"Neo4j at {uri} rejected the stored password in {self.password_file}"
                    ) from e
                except (ServiceUnavailable, OSError):
                    pass
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(f"Neo4j did not answer on {uri} within {timeout:.0f}s:\n"
                               + self.log_tail())

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop our JVM (SIGTERM, then SIGKILL). Returns whether one was running."""
        pid = self.pid()
        if not pid:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        if not _exited(pid, timeout):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _exited(pid, 10)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL the JVM, as a crash would (for fault tests)."""
        pid = self.pid()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).wait(10)

    def driver(self, retry_time: float = 30.0) -> neo4j.Driver:
        """A verified driver to this running server (``open_driver``); the caller closes it."""
        from hflineage.db.connection import open_driver

        return open_driver(self._connection(), retry_time)

    def _connection(self, uri: str | None = None) -> Connection:
        from hflineage.db.connection import Connection

        return Connection(uri or self.uri or "", "neo4j", self.password)

    def env_lines(self) -> Sequence[str]:
        """Shell ``export`` lines for cypher-shell, Neo4j Browser or a notebook."""
        import shlex

        return [
            f"export NEO4J_URI={shlex.quote(self.uri or '')}",
            "export NEO4J_USERNAME=neo4j",
            f"export NEO4J_PASSWORD={shlex.quote(self.password)}",
            "export NEO4J_DATABASE=neo4j",
        ]


def _exited(pid: int, timeout: float) -> bool:
    """Wait for a process to end. A zombie counts as ended: when another process started the
    server (``load --bulk`` in a subprocess), only that parent can reap it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False


def demo_instance(settings: Settings) -> ManagedNeo4j:
    """The demo's own small server, in its own state folder (``<state>/demo``), never the user's."""
    return ManagedNeo4j(demo_state_dir(settings) / "neo4j", settings.cache_dir,
                        settings.hflineage_neo4j_version, DEMO_MEMORY)


def demo_state_dir(settings: Settings) -> Path:
    """A state folder of its own: ``HFLINEAGE_HOME=<it>`` points hflineage at the demo's graph."""
    return settings.state_dir / "demo"


def user_instance(settings: Settings) -> ManagedNeo4j:
    """The one server ``hflineage db start`` manages for the user, sized by the settings."""
    memory = Memory.for_user(settings.hflineage_neo4j_heap, settings.hflineage_neo4j_pagecache)
    return ManagedNeo4j(settings.state_dir / "neo4j", settings.cache_dir,
                        settings.hflineage_neo4j_version, memory)
