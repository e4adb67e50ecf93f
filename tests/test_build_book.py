"""tools/build_book.py, `make book`'s build: pages read side by side (the whole build runs in
tests/conftest.py's `built_book`, with -W, which fails on an extension that is not declared
parallel-safe). Here: the order in which Sphinx really starts the pages, the sliced wait for
kernel messages, and the command line."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from queue import Empty

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_book  # noqa: E402


def test_sphinx_starts_the_largest_pages_first(tmp_path):
    """Through Sphinx's own ParallelTasks (fork, two processes): the start order is by size."""
    from sphinx.util.parallel import ParallelTasks

    sizes = {"a": 10, "b": 50, "c": 30, "d": 40, "e": 20, "f": 60}
    for name, size in sizes.items():
        (tmp_path / f"{name}.md").write_text("x" * size)
    chunks = build_book.one_page_per_process(tmp_path)(sorted(sizes), 2)
    assert sorted(c[0] for c in chunks) == sorted(sizes) and all(len(c) == 1 for c in chunks)
    log = tmp_path / "started.log"

    def read(chunk):
        with open(log, "a") as f:
            f.write(chunk[0] + "\n")
        time.sleep(0.3)

    tasks = ParallelTasks(2)
    for chunk in chunks:
        tasks.add_task(read, chunk)
    tasks.join()
    started = log.read_text().split()
    # the first two start together, in either order; then one at a time as a process frees
    assert set(started[:2]) == {"f", "b"} and started[2:] == ["d", "c", "e", "a"]


def test_sliced_wait_finds_a_message_and_keeps_the_deadline():
    import zmq
    import zmq.asyncio
    from jupyter_client.channels import AsyncZMQSocketChannel
    from jupyter_client.session import Session

    build_book.poll_kernel_replies_in_slices(0.05)
    assert AsyncZMQSocketChannel.get_msg.sliced
    context = zmq.asyncio.Context()
    session = Session(key=b"")
    receiver, sender = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    port = receiver.bind_to_random_port("tcp://127.0.0.1")
    sender.connect(f"tcp://127.0.0.1:{port}")
    channel = AsyncZMQSocketChannel(receiver, session)

    async def scenario():
        start = time.monotonic()
        with pytest.raises(Empty):
            await channel.get_msg(timeout=0.4)
        waited = time.monotonic() - start
        asyncio.get_running_loop().call_later(0.2, lambda: session.send(sender, "status"))
        msg = await channel.get_msg(timeout=10)
        return waited, msg, time.monotonic() - start - waited

    try:
        waited, msg, took = asyncio.run(scenario())
    finally:
        receiver.close(0)
        sender.close(0)
        context.term()
    assert 0.4 <= waited < 2.0  # the deadline, not a slice; generous above for a busy machine
    assert msg["header"]["msg_type"] == "status" and took < 5.0


def test_command_line_refuses_what_it_cannot_do(capsys):
    with pytest.raises(SystemExit):
        build_book.main(["--jobs", "0", "."])
    assert "--jobs must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_book.main(["--jobs", "2", ".", "--builder", "latex"])
    assert "for the HTML builders" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_book.main(["-W"])
    assert "give the book's folder first" in capsys.readouterr().err
