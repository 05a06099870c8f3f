"""Files prepared in worker processes, each within a time budget, whatever the file does.

A file's budget is kept from the inside by an alarm, which stops Python code and regular
expressions (they check for signals), and from the outside for what an alarm cannot stop (a PDF
library deep in a crafted file, C code that never returns to the interpreter): every file is
prepared in a worker process (pebble's ProcessPool), and a worker still busy when its time is
up is killed, replaced, and the file reported as failed. A worker that dies on a file (the OOM
killer, a crash in a C extension) fails that file alone and is replaced too. Either way the
other files go on, and the caller hears of every file, in input order.

Files travel to the workers in chunks (`per_task` files a task): a task one file at a time
cost the two processes ~0.3 ms of CPU in bookkeeping and its trip through the pipe, two thirds
of what reading and parsing the letter costs. A chunk is given its files' budgets added up;
inside it each file has its own alarm (`_within`). What ends a chunk without an answer (a
worker killed for the chunk's time, or dead) is pinned on the file its worker was on, which the
worker notes before each file (`_Progress`): that file fails with the reason it would have had
alone, and the chunk's other files are sent again. A chunk that fails otherwise (an exception
that escaped `work`) is sent again one file a task.

Pebble's workers share one pipe. When that breaks (a worker killed between files, a result
that cannot be read back), every file in flight is aborted at once, and nothing says which one
was to blame. The pool is then replaced and the unfinished files sent again, one file a task;
the oldest of them is charged with the break, and fails if it is in flight at a second one.
Most breaks have no culprit and cost nothing; a file that breaks the pool every time fails
after two tries, and the run goes on.

Pure Python, no Django: the caller passes the budget and the workers' logging configuration.
"""

from __future__ import annotations

import logging
import logging.config
import mmap
import multiprocessing
import os
import signal
import struct
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from types import FrameType

from pebble import ProcessExpired, ProcessPool

from .preparation import FileInput, Prepared, Rejected

logger = logging.getLogger(__name__)

Work = Callable[[FileInput], Prepared | Rejected]


def prepared_in_workers(
    inputs: Iterable[FileInput],
    work: Work,
    *,
    workers: int,
    seconds: float,
    ahead: int,
    log_config: dict,
    per_task: int = 1,
) -> Generator[Prepared | Rejected, None, None]:
    """`work` of every input, in input order, each in a worker process given `seconds`.

    At most `ahead` files are in flight (sent, or prepared and not yet taken), which bounds
    the memory their results hold when the caller is the slower side. Files are sent up to
    `per_task` a task, fewer when `ahead` would not give each worker two tasks.
    `log_config`, a `logging.config.dictConfig` dictionary, is applied in each worker, so
    that what `work` logs there goes where the caller's logs go.
    """
    per_task = max(1, min(per_task, ahead // (2 * workers)))
    pool = _Pool(
        work, workers=workers, seconds=seconds, log_config=log_config, chunks=ahead + per_task
    )
    pending: deque[_Task] = deque()
    in_flight = 0
    try:
        for files in _chunks(inputs, per_task):
            pending.append(pool.submit(files))
            in_flight += len(files)
            while in_flight >= ahead:
                results = pool.outcomes(pending)
                in_flight -= len(results)
                yield from results
        while pending:
            yield from pool.outcomes(pending)
    finally:
        pool.stop()


def _chunks(inputs: Iterable[FileInput], size: int) -> Iterator[list[FileInput]]:
    iterator = iter(inputs)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Progress:
    """Which file of its chunk each worker is on: a number per chunk in flight (0: none yet,
    n: the n-th started), in a small file that the caller and the workers map in memory.

    Written by the worker before each file, read by the caller only once the chunk has ended
    without an answer (its worker killed for its time, or dead).
    """

    SLOT = struct.Struct("i")

    def __init__(self, slots: int) -> None:
        handle, self.path = tempfile.mkstemp(prefix="imr-progress-")
        try:
            os.ftruncate(handle, slots * self.SLOT.size)
            self.map = mmap.mmap(handle, slots * self.SLOT.size)
        finally:
            os.close(handle)
        self.free = list(range(slots))

    def take(self) -> int:
        slot = self.free.pop()
        self.SLOT.pack_into(self.map, slot * self.SLOT.size, 0)
        return slot

    def give_back(self, slot: int) -> None:
        self.free.append(slot)

    def started(self, slot: int) -> int:
        return int(self.SLOT.unpack_from(self.map, slot * self.SLOT.size)[0])

    def close(self) -> None:
        self.map.close()
        os.unlink(self.path)


# In a worker: the progress files it has mapped, by path.
_progress_maps: dict[str, mmap.mmap] = {}


def _note_progress(path: str, slot: int, started: int) -> None:
    if path not in _progress_maps:
        with open(path, "r+b") as handle:
            _progress_maps[path] = mmap.mmap(handle.fileno(), 0)
    _Progress.SLOT.pack_into(_progress_maps[path], slot * _Progress.SLOT.size, started)


class _OutOfTime(BaseException):
    """A file's alarm rang. Not an Exception: `work` turns those into the file's failure,
    with a reason that would blame the parser."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _OutOfTime


def _within(
    work: Work, files: list[FileInput], seconds: float, progress: tuple[str, int] | None
) -> list[Prepared | Rejected]:
    """`work` of each file, in a worker process, each within `seconds` as far as an alarm can
    tell: one that rings fails its file, and the next file starts. `progress` is where to note
    which file is being read (a progress file's path and the chunk's slot in it)."""
    signal.signal(signal.SIGALRM, _on_alarm)
    results: list[Prepared | Rejected] = []
    for started, file in enumerate(files, start=1):
        if progress is not None:
            _note_progress(*progress, started)
        # The alarm rings once: during `work`, or before it is disarmed (then the file, done
        # just in time, is still late). Either way the file has one result.
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                result = work(file)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _OutOfTime:
            result = Rejected(file.name, _too_slow(seconds))
        results.append(result)
    return results


def _too_slow(seconds: float) -> str:
    return f"took longer than {seconds:g} s to read"


class _Task:
    def __init__(self, files: list[FileInput], future: Future, slot: int | None) -> None:
        self.files = files
        self.future = future
        self.slot = slot  # the chunk's place in the progress file; None for one file
        self.breaks = 0  # pool breaks this file was the oldest in flight at (one file a task)

    @property
    def unfinished(self) -> bool:
        """Not answered, or aborted with its pool: its files are to be sent again."""
        return not self.future.done() or isinstance(self.future.exception(), BrokenProcessPool)


class _Pool:
    def __init__(
        self, work: Work, *, workers: int, seconds: float, log_config: dict, chunks: int
    ) -> None:
        self.work = work
        self.workers = workers
        self.seconds = seconds
        self.log_config = log_config
        self.progress = _Progress(chunks)
        # forkserver: workers descend from a clean process, never sharing the caller's database
        # connection (closing it instead would break a caller's open transaction).
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["decisions.workers"])
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            self.workers,
            context=self.context,
            initializer=logging.config.dictConfig,
            initargs=(self.log_config,),
        )

    def submit(self, files: list[FileInput]) -> _Task:
        task = _Task(files, Future(), self.progress.take() if len(files) > 1 else None)
        self._schedule(task)
        return task

    def _schedule(self, task: _Task) -> None:
        progress = None if task.slot is None else (self.progress.path, task.slot)
        try:
            task.future = self.pool.schedule(
                _within,
                args=(self.work, task.files, self.seconds, progress),
                timeout=self.seconds * len(task.files),
            )
        except RuntimeError as exc:
            # The pool broke since the last answer taken; the files wait for the new one.
            task.future = Future()
            task.future.set_exception(BrokenProcessPool(str(exc)))

    def _done(self, task: _Task) -> None:
        if task.slot is not None:
            self.progress.give_back(task.slot)

    def outcomes(self, pending: deque[_Task]) -> list[Prepared | Rejected]:
        """The results of the oldest pending task's files, or why each has none; the task
        leaves `pending`, or is replaced in it by what its files need next."""
        while True:
            task = pending[0]
            try:
                results: list[Prepared | Rejected] = task.future.result()
            except BrokenProcessPool as exc:
                if len(task.files) == 1:
                    task.breaks += 1
                    if task.breaks >= 2:
                        pending.popleft()
                        self._replace(pending, exc)
                        return [
                            Rejected(
                                task.files[0].name,
                                f"the worker pool failed twice while reading it ({exc})",
                            )
                        ]
                self._replace(pending, exc)
            except Exception as exc:
                pending.popleft()
                self._done(task)
                if len(task.files) == 1:
                    return [self._failure(task.files[0], exc)]
                pending.extendleft(reversed(self._retried(task, exc)))
            else:
                pending.popleft()
                self._done(task)
                return results

    def _retried(self, task: _Task, exc: Exception) -> list[_Task]:
        """What replaces a chunk that ended without an answer: when its worker was killed for
        its time or died on a file, that file's failure between the files before it and the
        files after it, sent again as chunks; otherwise each file, sent again alone."""
        started = self.progress.started(task.slot) if task.slot is not None else 0
        if not isinstance(exc, TimeoutError | ProcessExpired) or not started:
            return [self.submit([file]) for file in task.files]
        culprit = task.files[started - 1]
        failed: Future = Future()
        failed.set_result([self._failure(culprit, exc)])
        before, after = task.files[: started - 1], task.files[started:]
        return [
            *([self.submit(before)] if before else []),
            _Task([culprit], failed, None),
            *([self.submit(after)] if after else []),
        ]

    def _failure(self, file: FileInput, exc: Exception) -> Rejected:
        """Why a file has no result, from what ended the task reading it."""
        if isinstance(exc, TimeoutError):
            return Rejected(file.name, _too_slow(self.seconds))
        if isinstance(exc, ProcessExpired):
            return Rejected(file.name, f"the worker reading it died ({_death(exc.exitcode)})")
        # `work` turns whatever a file does into a Rejected; this escaped it (pebble's own
        # errors, a result that cannot be sent back). The worker's traceback is the exception's
        # cause, so the log shows where in the worker it happened.
        logger.error("preparing %s failed", file.name, exc_info=exc)
        return Rejected(
            file.name, f"could not be read: internal error while reading ({type(exc).__name__})"
        )

    def _replace(self, pending: deque[_Task], exc: BrokenProcessPool) -> None:
        """A new pool, given again every file the broken one had not finished, one a task."""
        logger.warning("the worker pool broke (%s); starting a new one", exc)
        self.pool.stop()
        self.pool.join()
        self.pool = self._new_pool()
        tasks = list(pending)
        pending.clear()
        for task in tasks:
            if not task.unfinished:
                pending.append(task)
            elif len(task.files) == 1:
                self._schedule(task)
                pending.append(task)
            else:
                self._done(task)
                pending.extend(self.submit([file]) for file in task.files)

    def stop(self) -> None:
        """Stop the workers, even mid-file: what they were doing is no longer wanted."""
        self.pool.stop()
        self.pool.join()
        self.progress.close()


def _death(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    try:
        return f"killed by {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"killed by signal {-exitcode}"
