"""The `harken` command: token, createadmin in-process; worker and serve as real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from harken.accounts.models import ApiToken, Role, TokenScope, User
from harken.web.management.commands.serve import Command as ServeCommand
from harken.web.management.commands.serve import web_server

HARKEN = Path(sys.executable).parent / "harken"


def test_token_create_prints_a_working_token(client: Client, contributor: User) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "token", "create", "carl", "--scope", "write", "--name", "CI", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert raw.startswith("hk_")
    assert "\n" not in raw  # only the token on stdout: TOKEN=$(harken token create ...)
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert (token.user, token.scope, token.name) == (contributor, TokenScope.WRITE, "CI")
    assert "shown only this once" in err.getvalue()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert (body["user"]["username"], body["token_scope"]) == ("carl", "write")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "--scope", "read"), "No user named 'nobody'"),
        (("vera", "--scope", "admin"), "--scope must be one of: read, write"),
        (("vera", "--scope", "write"), "A viewer can only have read tokens."),
    ],
)
def test_token_create_errors(viewer: User, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("token", "create", *args, stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.count() == 0


def test_createadmin_makes_a_harken_admin(
    db: None, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    monkeypatch.setenv("HARKEN_ADMIN_PASSWORD", "a-long-admin-passphrase")
    call_command(
        "createadmin", "root", "--email", "Root@Example.com", "--no-input", stdout=StringIO()
    )
    user = User.objects.get(username="root")
    assert user.has_role(Role.ADMIN)
    assert user.check_password("a-long-admin-passphrase")
    with pytest.raises(CommandError, match="taken"):
        call_command("createadmin", "root", "--email", "x@example.com", "--no-input")
    monkeypatch.setenv("HARKEN_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("createadmin", "other", "--email", "o@example.com", "--no-input")


# ---- real processes, on a database of their own --------------------------------------------


def harken_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARKEN_")}
    env["HARKEN_DATA_DIR"] = str(data_dir)
    return env


def harken(data_dir: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HARKEN), *args],
        env=harken_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("harken") / "data"
    done = harken(path, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    return path


QUEUE_IMPORT = (
    "from harken.integrations.actions import do_create_import; "
    "job = do_create_import(None, 'notes', 'f.csv', b'title\\nFrom the worker\\n'); "
    "print(job.pk)"
)
FILERS = (
    "from harken.accounts.actions import do_create_token, do_create_user; "
    "from harken.accounts.models import Role, TokenScope; "
    "users = [do_create_user(None, n, n + '@harken.test', Role.CONTRIBUTOR) "
    "for n in ('filer1', 'filer2')]; "
    "print(*[do_create_token(None, u, 'load', TokenScope.WRITE)[1] for u in users])"
)
# Other tests on this module's database file notes too: count the filers' own.
FILED = (
    "from harken.inbox.models import Note; from harken.audit.models import AuditEvent; "
    "mine = Note.objects.filter(submitter__username__startswith='filer'); "
    "print(mine.count(), "
    "mine.filter(title__startswith='filer1').exclude(submitter__username='filer1').count(), "
    "AuditEvent.objects.filter(action='note.created', actor__username__startswith='filer')"
    ".count())"
)
JOB_STATUS = (
    "from harken.integrations.models import ImportJob; "
    "job = ImportJob.objects.get(pk={pk}); print(job.status, job.created_count)"
)


def test_worker_runs_queued_imports(data_dir: Path) -> None:
    queued = harken(data_dir, "shell", "-v", "0", "-c", QUEUE_IMPORT)
    assert queued.returncode == 0, queued.stderr
    pk = queued.stdout.strip()
    assert harken(data_dir, "shell", "-v", "0", "-c", JOB_STATUS.format(pk=pk)).stdout.split() == [
        "pending",
        "0",
    ]
    worked = harken(data_dir, "worker", "--batch")
    assert worked.returncode == 0, worked.stderr
    assert harken(data_dir, "shell", "-v", "0", "-c", JOB_STATUS.format(pk=pk)).stdout.split() == [
        "done",
        "1",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.fixture
def served(data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = subprocess.Popen(
        [str(HARKEN), "serve", "--port", str(port), "--workers", "1"],
        env=harken_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10):
                break
        except OSError:  # refused while starting, or slow to answer the first request
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"harken serve did not come up:\n{output}")
            time.sleep(0.3)
    yield process, port
    if process.poll() is None:
        # SIGTERM: serve stops its web server and worker. Killed outright, it would leave
        # them running (they are in sessions of their own), serving and polling for jobs
        # through the rest of the suite.
        children = children_of(process.pid)
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            for child in children:
                os.kill(child, signal.SIGKILL)
            process.kill()
            process.wait()


def test_serve_runs_web_and_worker_and_stops_both_on_sigterm(
    data_dir: Path, served: tuple[subprocess.Popen[str], int]
) -> None:
    process, port = served
    children = children_of(process.pid)
    assert len(children) == 2  # the web server and the worker
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/harken/harken.css") as css:
        assert css.status == 200
    queued = harken(data_dir, "shell", "-v", "0", "-c", QUEUE_IMPORT)
    pk = queued.stdout.strip()
    deadline = time.monotonic() + 30
    while (
        harken(data_dir, "shell", "-v", "0", "-c", JOB_STATUS.format(pk=pk)).stdout.split()[0]
        != "done"
    ):
        assert time.monotonic() < deadline, "the worker started by serve did not run the import"
        time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not any(Path(f"/proc/{child}").exists() for child in children)


def test_serve_exits_when_a_child_dies(served: tuple[subprocess.Popen[str], int]) -> None:
    process, _ = served
    web, worker = children_of(process.pid)
    os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=40) != 0
    assert not Path(f"/proc/{web}").exists()


def test_serve_stores_every_note_of_requests_filed_at_once(
    data_dir: Path, served: tuple[subprocess.Popen[str], int]
) -> None:
    """Concurrent requests to one web process: stored together or alone, each exactly once
    and as its own filer's (harken.lib.group_commit), here on the embedded SQLite."""
    _, port = served
    made = harken(data_dir, "shell", "-v", "0", "-c", FILERS)
    assert made.returncode == 0, made.stderr
    tokens = made.stdout.split()

    def file(i: int) -> tuple[int, str]:
        who = i % 2
        body = json.dumps({"title": f"filer{who + 1} note {i}", "tags": ["load"]}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/notes",
            data=body,
            headers={"Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - http:// only
            note = json.loads(answer.read())
            return answer.status, note["title"]

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(file, range(120)))
    assert answers == [(201, f"filer{i % 2 + 1} note {i}") for i in range(120)]
    filed = harken(data_dir, "shell", "-v", "0", "-c", FILED)
    assert filed.stdout.split() == ["120", "0", "120"]


def test_serve_logs_each_request_only_when_asked() -> None:
    parser = ServeCommand().create_parser("harken", "serve")
    assert parser.parse_args([]).access_log is False
    assert parser.parse_args(["--access-log"]).access_log is True
    default = web_server("127.0.0.1", 8000, 2, 32)
    assert "--access-log" not in default
    logged = web_server("127.0.0.1", 8000, 2, 32, access_log=True)
    assert logged == [*default[:-1], "--access-log", default[-1]]
