"""Serve the built book on 127.0.0.1: ``python tools/serve.py [--port N] [--dir _build/html]``.

Port 0 (the default) asks the system for a free port. The address is printed on the first line
of output; SIGINT or SIGTERM stops the server cleanly.
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
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--dir", default="_build/html", help="folder to serve")
    args = parser.parse_args(argv)
    root = Path(args.dir)
    if not (root / "index.html").is_file():
        print(f"{root / 'index.html'} does not exist: run `make book` first.", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"--port == {args.port}, must be in 0..65535.", file=sys.stderr)
        return 2
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(
        f"Serving the book at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)",
        flush=True,
    )
    stop.wait()
    server.shutdown()
    server.server_close()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
