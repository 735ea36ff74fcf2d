"""Locks: one per publication target, and one per private work folder.

Every path that writes a publication (``cyberstats run``, ``cyberstats report``, a Dagster run started
from the UI or ``dagster asset materialize``) takes the lock of the *target*: a lock file beside the
published warehouse and one beside the published site. Two runs with different work folders but the
same warehouse (or site) therefore exclude each other.

Locks are ``flock`` locks on files that are never deleted (deleting a lock file while another process
waits on it would let two holders in). Within one process they are re-entrant, so a CLI run that
holds the lock can execute the Dagster job whose publication step takes it again.
"""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pipelines.errors import CyberstatsError


class Locked(CyberstatsError):
    """Another process holds a lock this command needs (exit code 3)."""


_held: dict[Path, tuple[int, int]] = {}  # lock path -> (file descriptor, depth)
_guard = threading.Lock()


def lock_path_for(target: Path) -> Path:
    """The lock file of a published warehouse file or site folder: ``.<name>.lock`` beside it."""
    return target.parent / f".{target.name}.lock"


@contextmanager
def file_lock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed); raise :class:`Locked` if another
    process holds it. Re-entrant within this process."""
    path = path.resolve()
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if not reentered:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Locked(f"another cyberstats run is publishing to {what} (lock {path}); try again when it has "
                         "finished") from None
        with _guard:
            _held[path] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                del _held[path]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


@contextmanager
def target_lock(warehouse: Path, site_dir: Path) -> Iterator[None]:
    """The lock of one publication target: its warehouse and its site (taken in a fixed order)."""
    with ExitStack() as stack:
        for path, what in sorted([(lock_path_for(warehouse), f"the warehouse {warehouse}"),
                                  (lock_path_for(site_dir), f"the site {site_dir}")]):
            stack.enter_context(file_lock(path, what))
        yield


@contextmanager
def work_lock(work_dir: Path) -> Iterator[None]:
    """The lock of a private work folder (its build database and raw store)."""
    with file_lock(work_dir / "run.lock", f"the work folder {work_dir}"):
        yield
