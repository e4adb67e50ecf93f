"""Serve the built book on 127.0.0.1: ``python tools/serve.py [--port N] [--dir _build/html]``.

This is what ``make serve`` runs. Port 0 (the default) asks the system for a free port. The
address is the first line of output; SIGINT (Ctrl-C) or SIGTERM stops the server cleanly: the
listening socket is closed and the exit status is 0. Only the standard library is used, so any
Python 3 serves a downloaded copy of the book (``make serve HTML=path/to/html``).
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request (the terminal keeps the address visible)."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--dir", default="_build/html", help="folder holding index.html")
    args = parser.parse_args(argv)
    root = Path(args.dir)
    if not (root / "index.html").is_file():
        print(f"{root / 'index.html'} does not exist: run `make book` first.", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"PORT == {args.port}, must be in 0..65535 (0 picks a free port).", file=sys.stderr)
        return 2
    handler = functools.partial(QuietHandler, directory=str(root))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        print(
            f"PORT == {args.port} cannot be used ({exc.strerror}): choose another with "
            "`make serve PORT=N`, or leave PORT unset for a free one.",
            file=sys.stderr,
        )
        return 2
    # Signal handlers only set a flag; the main thread then shuts the server down, because
    # calling shutdown() from inside a handler that interrupts serve_forever would deadlock.
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    print(f"Serving the book at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
