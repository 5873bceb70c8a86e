"""Writing files whole or not at all, output targets as a well-behaved Unix tool treats them, and
sweeping up after writers that were killed."""
from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Callable

from cratedig.engine.errors import SettingError


def _default_mode() -> int:
    """What a new file's mode would be: 0o666 less the umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), since
    setting it to read it races with other threads creating files."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def atomic_write_bytes(path: Path, write: Callable[[BinaryIO], object], mode: int | None = None) -> None:
    """Call `write(fileobj)` on a temp file next to `path`, fsync, then rename it over `path`. The
    file gets `mode`, else the mode of the file it replaces, else the umask's default."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.pid{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TEMPORARY = re.compile(r"^\..*\.pid(\d+)\.[^.]*\.tmp$")


def remove_stale_temporaries(directory: Path) -> None:
    """Delete temp files `atomic_write_bytes` left in `directory` when its process was killed
    (kill -9 skips every cleanup); a live process's temp files are left alone."""
    try:
        names = [p for p in directory.iterdir() if _TEMPORARY.match(p.name)]
    except OSError:
        return
    for path in names:
        pid = int(_TEMPORARY.match(path.name).group(1))
        if pid != os.getpid() and not alive(pid):
            path.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def output_target(name: str) -> Path | None:
    """Where an output named NAME is written: None for "-" (stdout); else the path, symlinks followed.
    Raises UsageError, before any work, when it cannot be written: a directory, a missing or
    unwritable folder, a read-only file, a socket."""
    if name == "-":
        return None
    path = Path(name)
    try:
        target = path.resolve() if path.is_symlink() else path
        if target.exists():
            kind = target.stat().st_mode
            if stat.S_ISDIR(kind):
                raise SettingError("output", "{setting} {path} is a directory", path=name)
            if stat.S_ISSOCK(kind):
                raise SettingError("output", "{setting} {path} is a socket", path=name)
            if stat.S_ISREG(kind) and not (kind & 0o222 and os.access(target, os.W_OK)):
                raise SettingError("output", "{setting} {path} is read-only", path=name)
            return target
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise SettingError("output", "{setting} {path}: directory {parent} does not exist", path=name, parent=parent)
        if not os.access(parent, os.W_OK):
            raise SettingError("output", "{setting} {path}: directory {parent} is not writable", path=name, parent=parent)
    except OSError as exc:
        raise SettingError("output", "{setting} {path}: {reason}", path=name, reason=exc.strerror or exc) from None
    return target


def write_output(target: Path | None, text: str | Iterable[str]) -> None:
    """`text` (a string, or pieces of one written as they come) to stdout (None), into a FIFO or
    device as it is, or into a regular file whole or not at all, keeping that file's mode. Pieces
    stream: what is held in memory is one piece, however long the output."""
    pieces = [text] if isinstance(text, str) else text
    if target is None:
        for piece in pieces:
            if hasattr(sys.stdout, "buffer"):
                sys.stdout.buffer.write(piece.encode("utf-8"))
            else:
                sys.stdout.write(piece)
        sys.stdout.flush()
        return

    def write_all(handle: BinaryIO) -> None:
        for piece in pieces:
            handle.write(piece.encode("utf-8"))

    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            with open(target, "wb") as handle:  # a FIFO or a device: there is nothing to replace
                write_all(handle)
            return
        remove_stale_temporaries(target.parent)
        atomic_write_bytes(target, write_all)
    except OSError as exc:
        raise SettingError("output", "cannot write {setting} {path}: {reason}", path=target, reason=exc.strerror or exc) from None
