"""A one-off build's generated pages, made in a forked process while MkDocs renders the pages made already.

MkDocs renders one page at a time, on one core. Making the generated pages first (the similar practices,
every citation through pandoc, then each page's Markdown) held the build up for about a quarter of its time at
5,000 practices (issue 16). Instead, once the catalogue has loaded, a child process is forked that makes the
pages in the order MkDocs reads them (pages.page_plan) and sends each down a pipe; MkDocs takes a page when
it first asks for its content (StreamedFile). A thread of the build reads the pipe as the pages come
(read_ahead) and keeps them in a temporary file until MkDocs asks, so the child does not wait for MkDocs: it
ends once it has made every page, long before MkDocs has read the last of them, and its memory goes with it
(about 270 MiB at 5,000 practices, which would otherwise stay until MkDocs is at its own peak).

The downloads (pages.build_downloads) come the same way from a second child at a lower priority: MkDocs
copies them only after it has read every page. Those a page may link to are known before (pages.download_paths),
as MkDocs checks links while it reads; the others (the data files only scripts fetch) are added once made.

Nothing is unpickled: each file arrives as its path and its text, in UTF-8. A child that fails sends its
error and the build stops with it; a child that dies stops the build too. Where fork is not to be had (not
Linux), the pages are made in the build's own process, as before.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from .incremental import GeneratedFile

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .pages import Plan

_DONE, _FAILED = b"", b"\0"  # no path is empty or starts with NUL
#: a message from the child: a file (its path, NUL, its text), the end or a failure; from read_ahead's thread, a
#: file's path and the place of its text in the spool (offset, length) instead; None once the pipe has ended
_Message = bytes | tuple[bytes, int, int] | None
#: the build's ends of the children's pipes still open: a child forked later closes its copies
_READING: list[Connection] = []


class PageStream:
    """The files (pages, downloads) made by a forked child; `text(path)` waits for one and hands it over once."""

    def __init__(self, process: BaseProcess, connection: Connection, paths: list[str], what: str = "pages"):
        self._process, self._connection = process, connection
        self.paths = paths
        self._what = what
        self._arrived: dict[str, bytes | tuple[int, int]] = {}  # a file's text (UTF-8), or its place in the spool
        self._taken: set[str] = set()
        self._done = False
        #: read_ahead's thread, and the messages it has read and the build has not handled
        self._reader: threading.Thread | None = None
        self._spool: IO[bytes] | None = None
        self._messages: deque[_Message] = deque()
        self._came = threading.Condition()

    @staticmethod
    def available() -> bool:
        """Whether a child can be forked here: Linux, and not inside a daemonic process (which may not have any)."""
        if sys.platform != "linux":
            return False
        import multiprocessing

        return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon

    @classmethod
    def start(cls, plan: Plan, prepare: Callable[[], None] = lambda: None,
              finish: Callable[[], None] = lambda: None) -> PageStream | None:
        """Fork the child that runs `prepare()`, then makes every page of `plan` in order, then `finish()` (also
        when a page fails: what prepare started and the pages no longer need); None where no child is to be had.
        Call it before the build starts any thread."""
        def made() -> Iterator[tuple[str, str]]:
            try:
                for path, make in plan:
                    yield path, make()
            finally:
                finish()

        return cls.start_made([path for path, _ in plan], made, prepare)

    @classmethod
    def start_made(cls, paths: list[str], made: Callable[[], Iterable[tuple[str, str]]],
                   prepare: Callable[[], None] = lambda: None, what: str = "pages") -> PageStream | None:
        """Fork the child that runs `prepare()`, then sends each (path, text) of `made()`: `paths` are those known
        before, each handed over by `text(path)`; the others come at the end, from `rest()`. None where no child is
        to be had."""
        if not cls.available():
            return None
        import multiprocessing

        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_send_made, args=(reader, writer, made, prepare), name=f"reskb-{what}",
                                  daemon=True)
        try:
            process.start()
        except OSError:  # no process to be had (limits, a sandbox): the pages are made here
            reader.close()
            writer.close()
            return None
        writer.close()  # the child's end: once the child is gone, reading ends instead of waiting
        _READING.append(reader)
        return cls(process, reader, paths, what)

    def text(self, path: str) -> str:
        while path not in self._arrived:
            if self._done or path in self._taken:
                raise PluginError(f"the process making the {self._what} never made {path}")
            self._receive(path)
        self._taken.add(path)
        return self._hand_over(path)

    def read_ahead(self) -> None:
        """Read what the child sends as it comes, on a thread, rather than when the build asks for it: the child
        then never waits for the build, and ends (its memory with it) as soon as it has made everything, rather
        than keeping a few pages ahead of MkDocs to the end. The files wait in an unnamed temporary file (the
        spool), not in the build's memory, until they are asked for. Call it once every child is forked: a child
        forked while a thread runs may inherit a lock that thread holds."""
        if self._reader is not None or self._done:
            return
        try:
            self._spool = tempfile.TemporaryFile(prefix="reskb-")  # noqa: SIM115 (closed by close())
        except OSError:  # no temporary folder to be had: the files wait in memory
            self._spool = None
        reader = threading.Thread(target=self._read_all, name=f"reskb-{self._what}", daemon=True)
        try:
            reader.start()
        except RuntimeError:  # no thread to be had: the files are read when asked for, as without read_ahead
            if self._spool is not None:
                self._spool.close()
                self._spool = None
            return
        self._reader = reader

    def _read_all(self) -> None:
        """The reading thread: each message as it comes (a file's text into the spool), until the end, a failure
        or the end of the pipe (None); whatever stops the thread is the last message."""
        offset, item = 0, None
        try:
            while True:
                try:
                    message: bytes | None = self._connection.recv_bytes()
                except (EOFError, OSError):
                    message = None
                item = message
                if message and not message.startswith(_FAILED) and self._spool is not None:
                    name, _, text = message.partition(b"\0")
                    try:
                        _write_at(self._spool.fileno(), text, offset)
                        item, offset = (name, offset, len(text)), offset + len(text)
                    except OSError:  # a full disk: this one waits in memory
                        pass
                    del name, text
                del message
                if _last(item):
                    return
                self._queue(item)
                item = None
        except BaseException as exc:  # noqa: BLE001 - the build must hear of it, or it would wait for ever
            item = _FAILED + f"reading what the child sent failed: {exc!r}".encode("utf-8", "replace")
        finally:
            self._queue(item)

    def _queue(self, item: _Message) -> None:
        with self._came:
            self._messages.append(item)
            self._came.notify()

    def drain(self) -> None:
        """Take what the child has sent so far, without waiting: a child that has sent everything ends, and its
        memory goes with it."""
        while not self._done and self._receive("the rest", wait=False):
            pass

    def rest(self) -> dict[str, str]:
        """Everything the child made besides `paths`, once it is done (each known path must have come)."""
        while not self._done:
            self._receive("the rest")
        missing = [path for path in self.paths if path not in self._arrived and path not in self._taken]
        if missing:
            raise PluginError(f"the process making the {self._what} never made {missing[0]}")
        known = set(self.paths)
        return {path: self._hand_over(path) for path in list(self._arrived) if path not in known}

    def _hand_over(self, path: str) -> str:
        """The file's text, once: from memory, or read back from the spool."""
        held = self._arrived.pop(path)
        if isinstance(held, tuple):
            assert self._spool is not None
            held = _read_at(self._spool.fileno(), *held)
        return held.decode("utf-8", "surrogatepass")

    def _receive(self, wanted: str, wait: bool = True) -> bool:
        """Handle the child's next message (waiting for it, or not: then False when none has come)."""
        if self._reader is None:
            if not wait and not self._connection.poll(0):
                return False
            try:
                message: _Message = self._connection.recv_bytes()
            except (EOFError, OSError):
                message = None
        else:
            with self._came:
                while not self._messages:
                    if not wait:
                        return False
                    self._came.wait()
                message = self._messages[0]
                if not _last(message) or message == _DONE:  # an end that stops the build stays, for a later ask
                    self._messages.popleft()
        if message is None:
            self._process.join(5)
            raise PluginError(f"the process making the {self._what} stopped (exit code {self._process.exitcode}) "
                              f"before it made {wanted}")
        if isinstance(message, tuple):  # a file's text in the spool
            name, offset, length = message
            self._arrived[name.decode("utf-8")] = (offset, length)
        elif message == _DONE:
            self._done = True
        elif message.startswith(_FAILED):
            raise PluginError(f"making the {self._what} failed:\n" + message[1:].decode("utf-8", "replace"))
        else:
            name, _, text = message.partition(b"\0")
            self._arrived[name.decode("utf-8")] = text
        return True

    def close(self) -> None:
        """Stop the child if it still runs (a build that failed stops reading it)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join(10)
        if self._reader is not None:  # the pipe has ended with the child: the thread has returned or soon will; only
            self._reader.join(10)  # then is its end closed (its number could otherwise go to a file the build opens)
            if self._reader.is_alive():
                return  # left open: a daemon thread, gone with the build
        self._connection.close()
        if self._connection in _READING:
            _READING.remove(self._connection)
        if self._spool is not None:
            self._spool.close()

    def file(self, config: MkDocsConfig, path: str) -> StreamedFile:
        made = StreamedFile.generated(config, path, content="")
        made.stream = self
        return made


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.pwrite(fd, view, offset + len(data) - len(view)):]


def _read_at(fd: int, offset: int, length: int) -> bytes:
    parts = []
    try:
        while length:
            part = os.pread(fd, length, offset)
            if not part:
                raise OSError("the file is shorter than what was written to it")
            parts.append(part)
            offset, length = offset + len(part), length - len(part)
    except OSError as exc:
        raise PluginError(f"reading the temporary file that holds the generated files failed: {exc}") from None
    return b"".join(parts)


def _last(item: _Message) -> bool:
    """Whether the child sends nothing after this: the end, a failure, or the end of the pipe."""
    return item is None or item == _DONE or (isinstance(item, bytes) and item.startswith(_FAILED))


def _send_made(reader: Connection, connection: Connection, made: Callable[[], Iterable[tuple[str, str]]],
               prepare: Callable[[], None]) -> None:
    """The child: every file of `made()`, in order, then the end; or the error that stopped it."""
    for end in (reader, *_READING):  # the build's ends: once the build is gone (killed, even), sending fails
        end.close()  # and the child ends (and so does any child forked earlier, whose reader this one holds)
    try:
        prepare()
        for path, text in made():
            connection.send_bytes(path.encode("utf-8") + b"\0" + text.encode("utf-8", "surrogatepass"))
        connection.send_bytes(_DONE)
    except BrokenPipeError:  # the build is gone
        pass
    except BaseException:  # noqa: BLE001 - whatever stops the child stops the build, with its message
        try:
            connection.send_bytes(_FAILED + traceback.format_exc().encode("utf-8", "replace"))
        except OSError:
            pass
    finally:
        connection.close()


class StreamedFile(GeneratedFile):
    """A generated page whose Markdown the child is still making: reading its content waits for it."""

    stream: PageStream | None = None
    _held: str | bytes | None = None

    @property  # type: ignore[override]
    def _content(self) -> str | bytes | None:  # every reader of a File's content reads this attribute
        if self.stream is not None:
            self._held, self.stream = self.stream.text(self.src_uri), None
        return self._held

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self.stream, self._held = None, value
