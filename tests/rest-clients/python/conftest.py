"""A real `tincan serve` for the client-library tests, one for the whole session.

The binary is `$TINCAN_BIN` (scripts/test passes the one `cargo test` built), else
`target/debug/tincan` of this checkout. It listens on a port the system picks; the REST base URL
is read from what the server prints when it starts.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SDKAPPID = 1400000077
# A key in the shape TIM's console shows (64 hex digits); the libraries sign with it themselves.
KEY = "5b3f8e0c9d2a47e1b6c04f19a8d7e3c2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6"
ADMIN = "administrator"

REPO = Path(__file__).resolve().parents[3]


@dataclass
class Server:
    """Where the running server answers."""

    origin: str  # http://127.0.0.1:PORT
    binary: str
    scratch: Path

    @property
    def rest_base(self) -> str:
        """TIM's REST base, `<origin>/v4`, as libraries take it."""
        return f"{self.origin}/v4"

    def online(self, user: str) -> "Online":
        """Logs `user` in over the client protocol (`tincan tail`) until it is kicked or stopped."""
        return Online(self, user)


class Online:
    """A user logged in by `tincan tail`, whose pushed events are JSON lines in a file."""

    def __init__(self, server: Server, user: str):
        self.events_path = server.scratch / f"tail-{user}.jsonl"
        with open(self.events_path, "wb") as events:
            self.process = subprocess.Popen(
                [
                    server.binary,
                    "tail",
                    "--as",
                    user,
                    "--server",
                    server.origin.removeprefix("http://"),
                    "--sdkappid",
                    str(SDKAPPID),
                    "--key",
                    KEY,
                    "--seconds",
                    "60",
                    "--json",
                ],
                stdout=events,
                stderr=subprocess.STDOUT,
                env={**os.environ, "RUST_BACKTRACE": "0"},
            )
        self.wait_for('"event":"synced"')

    def events(self) -> str:
        return self.events_path.read_text()

    def wait_for(self, text: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.events():
            assert time.monotonic() < deadline, f"{text} not seen in {self.events()!r}"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)


def _binary() -> str:
    binary = os.environ.get("TINCAN_BIN") or str(REPO / "target" / "debug" / "tincan")
    if not os.access(binary, os.X_OK):
        pytest.exit(f"no tincan binary at {binary}; run `cargo test` first or set TINCAN_BIN", returncode=2)
    return binary


@pytest.fixture(scope="session")
def server():
    data = tempfile.mkdtemp(prefix="tincan-rest-clients-")
    log_path = Path(data) / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                _binary(),
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--data",
                str(Path(data) / "store"),
                "--sdkappid",
                str(SDKAPPID),
                "--key",
                KEY,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        origin = None
        deadline = time.monotonic() + 30
        while origin is None:
            if process.poll() is not None:
                pytest.fail(f"tincan serve exited with {process.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"tincan serve did not start in 30 s:\n{log_path.read_text()}")
            found = re.search(r"REST API:\s+(http://[0-9.:]+)/v4/", log_path.read_text())
            if found:
                origin = found.group(1)
            else:
                time.sleep(0.05)
        with urllib.request.urlopen(f"{origin}/healthz", timeout=5) as answer:
            assert answer.status == 200
        yield Server(origin=origin, binary=_binary(), scratch=Path(data))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data, ignore_errors=True)
