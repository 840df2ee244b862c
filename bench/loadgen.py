"""A lean HTTP load client: keep-alive connections driven by one thread, requests made up front.

The benchmark shares its two cores with the server it measures, so the client must cost as
little as it can. Python's http.client with a thread per connection spent about 0.4 ms of
CPU a request, a fifth of what the server spent; this client, with every request's bytes
built before the clock starts and one `selectors` loop over all connections, spends a small
fraction of that, much as a C tool like wrk would.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def request_bytes(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class _Connection:
    sock: socket.socket
    started: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)
    expect: int = -1  # bytes of the whole response, once its headers are in


# The last chunk of a chunked body (no trailers). JSON escapes control characters, so an
# answer's body cannot hold it earlier.
_LAST_CHUNK = b"\r\n0\r\n\r\n"


def _response_length(buffer: bytearray) -> int:
    """The whole response's length once it can be told, else -1."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return -1
    head = bytes(buffer[:end]).lower() + b"\r\n"
    start = head.find(b"\r\ncontent-length:")
    if start >= 0:
        start += len(b"\r\ncontent-length:")
        return end + 4 + int(head[start : head.index(b"\r\n", start)])
    if head.find(b"\r\ntransfer-encoding:") >= 0 and b"chunked" in head:
        last = buffer.find(_LAST_CHUNK, end)
        return -1 if last < 0 else last + len(_LAST_CHUNK)
    raise RuntimeError("the server answered without a Content-Length or chunks")


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def run_load(
    port: int,
    make: Callable[[int], bytes],
    count: int,
    connections: int,
    seconds: float,
    status: int,
) -> tuple[list[float], float]:
    """Send requests `make(0)` to `make(count - 1)`, and round again, over `connections`
    keep-alive connections for `seconds`: the latency of each answered request, and the
    seconds from the first request sent to the last answer. Any other status than `status`
    stops it."""
    prepared = [make(i) for i in range(count)]  # before the clock starts
    expected = f" {status} ".encode()
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    sent = 0

    def send(conn: _Connection) -> None:
        nonlocal sent
        conn.started = time.perf_counter()
        conn.sock.sendall(prepared[sent % len(prepared)])
        sent += 1

    conns = [_Connection(_connect(port)) for _ in range(connections)]
    started = time.perf_counter()
    for conn in conns:
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        send(conn)
    deadline = started + seconds
    open_connections = connections
    while open_connections:
        for key, _ in selector.select(timeout=30):
            conn = key.data
            chunk = conn.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed a keep-alive connection")
            conn.buffer += chunk
            if conn.expect < 0:
                # Chunked answers are measured afresh as their bytes come in.
                conn.expect = _response_length(conn.buffer)
            if conn.expect < 0 or len(conn.buffer) < conn.expect:
                continue
            if conn.buffer[8:13] != expected:
                raise RuntimeError(f"the server answered {bytes(conn.buffer[:200])!r}")
            # A server without keep-alive (gunicorn's sync workers) closes after answering.
            head = bytes(conn.buffer[: conn.buffer.find(b"\r\n\r\n")]).lower()
            if b"\r\nconnection: close" in head:
                selector.unregister(conn.sock)
                conn.sock.close()
                conn.sock = _connect(port)
                selector.register(conn.sock, selectors.EVENT_READ, conn)
            now = time.perf_counter()
            latencies.append(now - conn.started)
            del conn.buffer[: conn.expect]
            conn.expect = -1
            if now < deadline:
                send(conn)
            else:
                selector.unregister(conn.sock)
                conn.sock.close()
                open_connections -= 1
    return latencies, time.perf_counter() - started
