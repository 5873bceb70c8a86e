"""Writing files whole or not at all, output targets as a well-behaved Unix tool treats them, and
sweeping up after writers that were killed."""
from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Callable

from cratedig.engine.errors import SettingError, printable


#: a CSV cell starting with one of these is read as a formula by spreadsheets (OWASP, "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: object) -> str:
    """A text cell for a CSV file: control characters made visible (no raw escape reaches a
    terminal that shows the file), and one that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice). For names, ids, genres, reasons and URLs: numbers we format
    ourselves are written as they are."""
    text = printable(str(text))
    return "'" + text if text.startswith(_FORMULA_START) else text


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file (not a link, FIFO, device or folder) of at most
    `max_bytes`; OSError (FileNotFoundError when absent) or ValueError saying what it is instead.
    Opened without following a link and without blocking on a FIFO, then checked on the open file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise ValueError("it is a link, not a regular file") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ValueError("it is not a regular file")
        if status.st_size > max_bytes:
            raise ValueError(f"it is larger than {max_bytes >> 20} MB")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"it is larger than {max_bytes >> 20} MB")
    return data


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


#: device paths an output may name, written in place: the standard streams and the bit bucket
#: ("/dev/stdout" is stdout itself, so text bound for a terminal is made safe as with "-")
STANDARD_DEVICES = ("/dev/stdout", "/dev/stderr", "/dev/null")


def output_target(name: str, own_folders: Iterable[Path] = ()) -> Path | None:
    """Where an output named NAME is written: None for "-" and "/dev/stdout" (stdout), the path
    otherwise. Raises SettingError, before any work, when it cannot or must not be written: a
    directory, a missing or unwritable folder, a read-only file, a symbolic link (never written
    through, dangling or not), a FIFO, socket or device other than STANDARD_DEVICES, or a path inside
    one of `own_folders` (cratedig's state and model cache: the facade names them)."""
    if name in ("-", "/dev/stdout"):
        return None
    path = Path(name)
    if name in STANDARD_DEVICES:
        return path
    try:
        if path.is_symlink():
            raise SettingError("output", "{setting} {path} is a symbolic link: outputs are never written through "
                               "links; name the file itself", path=name)
        for folder in own_folders:
            if path.resolve().is_relative_to(folder.resolve()):
                raise SettingError("output", "{setting} {path} is inside cratedig's own folder {folder}",
                                   path=name, folder=folder)
        if path.exists():
            kind = path.stat().st_mode
            if stat.S_ISDIR(kind):
                raise SettingError("output", "{setting} {path} is a directory", path=name)
            if not stat.S_ISREG(kind):
                raise SettingError("output", "{setting} {path} is not a regular file (a FIFO, socket or device); "
                                   "write to - and pipe it instead", path=name)
            if not (kind & 0o222 and os.access(path, os.W_OK)):
                raise SettingError("output", "{setting} {path} is read-only", path=name)
            return path
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise SettingError("output", "{setting} {path}: directory {parent} does not exist", path=name, parent=parent)
        if not os.access(parent, os.W_OK):
            raise SettingError("output", "{setting} {path}: directory {parent} is not writable", path=name, parent=parent)
    except OSError as exc:
        raise SettingError("output", "{setting} {path}: {reason}", path=name, reason=exc.strerror or exc) from None
    return path


def write_output(target: Path | None, text: str | Iterable[str]) -> None:
    """`text` (a string, or pieces of one written as they come) to stdout (None), into one of
    STANDARD_DEVICES as it is, or into a regular file whole or not at all, keeping that file's mode
    (the new file replaces the name: a link put there since `output_target` is replaced, not followed). Pieces
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
        if str(target) in STANDARD_DEVICES:
            with open(target, "wb") as handle:  # a device: there is nothing to replace
                write_all(handle)
            return
        remove_stale_temporaries(target.parent)
        atomic_write_bytes(target, write_all)
    except OSError as exc:
        raise SettingError("output", "cannot write {setting} {path}: {reason}", path=target, reason=exc.strerror or exc) from None
