"""The one way to write a file: checked before the work, written whole or not at all.

Every output path (``rapport -o``, ``conseil --html``, ``--pdf``, ``--docx``, ``evaluer -o``, the
questionnaire's answer file) goes through :func:`check_output` before the work starts, so that a
parent that is a file, a read-only folder or a missing permission is told in French before minutes
of evaluation or printing; then :func:`write_atomic` (text or bytes) or :func:`atomic_path` (for a
file another program writes, such as Chromium's PDF) writes a temporary file in the same folder,
flushes it to disk and renames it over the target. A full disk or a folder that vanished gives a
French :class:`~entadvisor.errors.EcritureImpossible`; the previous file, if any, is untouched and
no temporary file is left behind.

A batch writes thousands of files, and its own outputs go through two lighter writers with the same
rule (a temporary file beside the target, then a rename; see :mod:`entadvisor.batch.outputs` for why
without fsync): :func:`write_atomic_quick` for one file given whole (the advice of each answer
file), :class:`AtomicFile` for a file streamed row by row (the synthesis). Their temporary file is
``.<name>.<pid>.tmp`` (:func:`temporary_path`), which the batch recognises to clean up after an
interrupted run; their OSError passes to the caller, which says which answer file it was writing.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from entadvisor.errors import EcritureImpossible, os_message


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_error(
    path: str | os.PathLike[str], error: OSError, *, what: str = "le fichier"
) -> EcritureImpossible:
    """The French error for an OSError met while writing ``path``."""
    conseil = {
        errno.ENOSPC: " : libérez de la place sur le disque ou choisissez un autre emplacement",
        errno.EDQUOT: " : libérez de la place ou choisissez un autre emplacement",
        errno.EROFS: " : choisissez un dossier où vous pouvez écrire",
        errno.EACCES: " : choisissez un dossier où vous pouvez écrire",
        errno.EPERM: " : choisissez un dossier où vous pouvez écrire",
    }.get(error.errno or 0, "")
    return EcritureImpossible(
        str(path),
        f"{what} n'a pas pu être écrit ({os_message(error)}){conseil} ; aucun fichier n'a été remplacé.",
    )


def check_output(path: str | os.PathLike[str], *, what: str = "le fichier", folder: bool = False) -> Path:
    """Check, before any work, that ``path`` can be written (``folder``: that it can be a folder).

    Creates nothing (the write creates the missing parent folders); refuses in French a target that
    is a folder (or, with ``folder``, a file), a parent that is a file, and a folder where a file
    cannot be created (read-only, no permission). Returns the path.
    """
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise EcritureImpossible(str(target), "c'est un fichier, pas un dossier : choisissez un dossier.")
        where = target
    else:
        if target.is_dir():
            raise EcritureImpossible(
                str(target), f"c'est un dossier : donnez le nom du fichier où écrire {what}."
            )
        where = target.parent
    ancestor = where
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        raise EcritureImpossible(
            str(target),
            f"« {ancestor} » est un fichier, pas un dossier : {what} ne peut pas être écrit dessous.",
        )
    probe_in = where if where.is_dir() else ancestor  # nothing is created before the work
    try:
        fd, probe = tempfile.mkstemp(prefix=".entadvisor-essai.", suffix=".tmp", dir=probe_in)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise EcritureImpossible(
            str(target),
            f"impossible d'écrire dans le dossier « {probe_in} » ({os_message(exc)}) : "
            "choisissez un dossier où vous pouvez écrire.",
        ) from None
    return target


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, what: str = "le fichier", fsync: bool = True
) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it when the block ends without error.

    For a file written by another program; the file gets the user's umask (mkstemp makes it private).
    An OSError becomes a French :class:`EcritureImpossible`; the temporary file is always removed.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise write_error(target, exc, what=what) from None
    temporary = Path(name)
    try:
        yield temporary
        if fsync:
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        raise write_error(target, exc, what=what) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, what: str = "le fichier", fsync: bool = True
) -> None:
    """Write text (UTF-8, ``\\n`` line ends) or bytes atomically: a temporary file, fsync, then a rename."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target, what=what, fsync=False) as temporary:
        try:
            with open(temporary, "wb") as handle:
                handle.write(payload)
                handle.flush()
                if fsync:
                    os.fsync(handle.fileno())
        except OSError as exc:
            raise write_error(target, exc, what=what) from None


def temporary_path(path: str | os.PathLike[str]) -> Path:
    """The temporary file of :func:`write_atomic_quick` and :class:`AtomicFile`: ``.<name>.<pid>.tmp``."""
    target = Path(path)
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def write_atomic_quick(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write one file atomically without fsync: ``.<name>.<pid>.tmp``, then a rename; OSError passes.

    ``data`` is UTF-8 bytes (what the batch passes: the advice's JSON as pydantic serialises it) or
    text. Written in one ``os.write`` on a raw descriptor, without a text layer that encodes the 50 KB
    advice again (about 0.07 ms a file, measured interleaved with the text-mode writer; creating,
    writing and renaming the file in the kernel is the rest, 0.1 to 0.3 ms). The file gets the
    permissions a text-mode ``open`` gives (0666 less the umask). A ``.gz`` name is written
    gzip-compressed, without a date or a name in its header: the same data give the same bytes."""
    cible = os.fspath(path)
    dossier, nom = os.path.split(cible)
    temporaire = os.path.join(dossier, f".{nom}.{os.getpid()}.tmp")
    octets = data.encode("utf-8") if isinstance(data, str) else data
    if nom.endswith(".gz"):
        tampon = io.BytesIO()
        with gzip.GzipFile(filename="", fileobj=tampon, mode="wb", mtime=0) as compresse:
            compresse.write(octets)
        octets = tampon.getvalue()
    try:
        fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            vue = memoryview(octets)
            while vue:  # a regular file takes it in one call; a short write is finished, never dropped
                vue = vue[os.write(fd, vue) :]
        finally:
            os.close(fd)
        os.replace(temporaire, cible)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporaire)
        raise


class AtomicFile:
    """A file streamed whole or not at all: written to :func:`temporary_path`, then (fsync and) renamed.

    ``with AtomicFile(path) as handle:`` commits when the block ends without error and discards
    otherwise; or call :meth:`commit` / :meth:`discard` (the temporary file is :attr:`temporary`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        binary: bool = False,
        newline: str | None = "\n",
        fsync: bool = True,
    ) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.temporary = temporary_path(self.path)
        self.file: IO[Any] = (
            open(self.temporary, "wb")  # noqa: SIM115 -- closed by commit() or discard()
            if binary
            else open(self.temporary, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
        )

    def commit(self) -> None:
        """Flush (and fsync) the file, close it and rename it over the target."""
        self.file.flush()
        if self.fsync:
            os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Close the file and remove it: the target is untouched."""
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()

    def __enter__(self) -> IO[Any]:
        return self.file

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


class FichierVerrouille(EcritureImpossible):
    """Another running program (another questionnaire) holds the lock of this file."""


@contextlib.contextmanager
def exclusive_lock(path: str | os.PathLike[str], *, holder: str = "un autre questionnaire") -> Iterator[Path]:
    """Hold an advisory lock on ``path`` for the block: a hidden ``.NAME.verrou`` beside it, locked with
    ``flock`` and removed at the end. A second holder is refused at once with :class:`FichierVerrouille`.

    The answer file itself cannot carry the lock: each atomic save replaces it with a new file.
    Where ``fcntl`` does not exist (Windows), the block runs without a lock.
    """
    target = Path(path)
    lock = target.with_name(f".{target.name}.verrou")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield lock
        return
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise write_error(lock, exc, what="le verrou du fichier") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise FichierVerrouille(
                    str(target),
                    f"ce fichier est ouvert par {holder} en ce moment (verrou {lock.name}) ; terminez-le "
                    "d'abord, ou choisissez un autre fichier avec -o.",
                ) from None
            raise write_error(lock, exc, what="le verrou du fichier") from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino  # not removed by a holder that just finished
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)
