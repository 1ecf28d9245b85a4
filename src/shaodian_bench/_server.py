"""A real `shaodian serve` for the benchmarks that measure the whole HTTP path, and clients that feed it.

The server runs on this (child) process's bench database; `send_all` posts batches from several
keep-alive connections at once, as phones and gates do.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from shaodian_bench import _support

PASSWORD = "shaodian-demo"  # the demo city's password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`shaodian serve` on a free port of 127.0.0.1, on this process's (bench) database."""

    def __init__(self, threads: int, workers: int = 1, *, name: str = "bench"):
        self.port = free_port()
        self.log = open(_support.bench_dir() / f"{name}-serve.log", "w+")
        shaodian = Path(sys.executable).parent / "shaodian"
        command = [str(shaodian)] if shaodian.exists() else [sys.executable, "-m", "django"]
        self.proc = subprocess.Popen([*command, "serve", "--port", str(self.port), "--threads", str(threads),
                                      "--workers", str(workers)],
                                     env=os.environ, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = self.request("GET", "/login/")
                if status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                log = self.log.read()
                self.stop()
                raise SystemExit(f"shaodian serve did not start:\n{log}")
            time.sleep(0.2)

    def request(self, method, path, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            if own:
                conn.close()

    def cpu_seconds(self) -> float:
        """User + system CPU the server and its workers have used so far (Linux), to tell our cost from the machine's load."""
        total = 0.0
        for pid in {self.proc.pid, *self._children()}:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return float("nan")
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def _children(self) -> list[int]:
        try:
            return [int(pid) for pid in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def token(server: Server, username: str, password: str = PASSWORD) -> str:
    """A bearer token of `username`, taken as a phone takes it."""
    status, body = server.request("POST", "/api/v1/auth/token", json.dumps({"username": username, "password": password}),
                                  {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"no token for {username}: {status} {body[:300]!r}")
    return json.loads(body)["token"]


def send_all(server: Server, token: str, path: str, bodies: list[bytes], threads: int) -> tuple[float, list[tuple[int, bytes]]]:
    """POST every body to `path` from `threads` keep-alive connections; (seconds, responses in body order)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    answers: list = [None] * len(bodies)
    next_index = iter(range(len(bodies)))
    lock = threading.Lock()
    failures = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                answers[i] = server.request("POST", path, bodies[i], headers, conn=conn)
        except Exception as exc:  # noqa: BLE001 — reported below, the bench fails
            failures.append(exc)
        finally:
            conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"a client thread failed: {failures[0]!r}")
    return elapsed, answers
