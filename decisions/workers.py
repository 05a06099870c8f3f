"""Files prepared in worker processes, each within a time budget, whatever the file does.

Python cannot stop a regular expression, or a PDF library deep in a crafted file, from the
inside, so the budget is kept from the outside: every file is prepared in a worker process
(pebble's ProcessPool), and a worker still on a file when the file's time is up is killed,
replaced, and the file reported as failed. A worker that dies on a file (the OOM killer, a
crash in a C extension) fails that file alone and is replaced too. Either way the other files
go on, and the caller hears of every file, in input order.

Pebble's workers share one pipe. When that breaks (a worker killed between files, a result
that cannot be read back), every file in flight is aborted at once, and nothing says which one
was to blame. The pool is then replaced and the unfinished files sent again; the oldest of them
is charged with the break, and fails if it is in flight at a second one. Most breaks have no
culprit and cost nothing; a file that breaks the pool every time fails after two tries, and the
run goes on.

Pure Python, no Django: the caller passes the budget and the workers' logging configuration.
"""

from __future__ import annotations

import logging
import logging.config
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

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
) -> Generator[Prepared | Rejected, None, None]:
    """`work` of every input, in input order, each in a worker process given `seconds`.

    At most `ahead` files are in flight (sent, or prepared and not yet taken), which bounds
    the memory their results hold when the caller is the slower side. `log_config`, a
    `logging.config.dictConfig` dictionary, is applied in each worker, so that what `work`
    logs there goes where the caller's logs go.
    """
    pool = _Pool(work, workers=workers, seconds=seconds, log_config=log_config)
    pending: deque[_Task] = deque()
    try:
        for file in inputs:
            pending.append(pool.submit(file))
            if len(pending) >= ahead:
                yield pool.outcome(pending)
        while pending:
            yield pool.outcome(pending)
    finally:
        pool.stop()


class _Task:
    def __init__(self, file: FileInput, future: Future) -> None:
        self.file = file
        self.future = future
        self.breaks = 0  # pool breaks this file was the oldest in flight at

    @property
    def unfinished(self) -> bool:
        """Not answered, or aborted with its pool: its file is to be sent again."""
        return not self.future.done() or isinstance(self.future.exception(), BrokenProcessPool)


class _Pool:
    def __init__(self, work: Work, *, workers: int, seconds: float, log_config: dict):
        self.work = work
        self.workers = workers
        self.seconds = seconds
        self.log_config = log_config
        # forkserver: workers descend from a clean process, never sharing the caller's database
        # connection (closing it instead would break a caller's open transaction).
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["decisions.preparation"])
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            self.workers,
            context=self.context,
            initializer=logging.config.dictConfig,
            initargs=(self.log_config,),
        )

    def submit(self, file: FileInput) -> _Task:
        return _Task(file, self._schedule(file))

    def _schedule(self, file: FileInput) -> Future:
        try:
            return self.pool.schedule(self.work, args=(file,), timeout=self.seconds)
        except RuntimeError as exc:
            # The pool broke since the last answer taken; the file waits for the new one.
            refused: Future = Future()
            refused.set_exception(BrokenProcessPool(str(exc)))
            return refused

    def outcome(self, pending: deque[_Task]) -> Prepared | Rejected:
        """The oldest pending file's result, or why it has none; the file leaves `pending`."""
        task = pending[0]
        while True:
            try:
                result = task.future.result()
            except TimeoutError:
                result = Rejected(task.file.name, f"took longer than {self.seconds:g} s to read")
            except ProcessExpired as exc:
                result = Rejected(
                    task.file.name, f"the worker reading it died ({_death(exc.exitcode)})"
                )
            except BrokenProcessPool as exc:
                task.breaks += 1
                if task.breaks < 2:
                    self._replace(pending, exc)
                    continue
                pending.popleft()
                self._replace(pending, exc)
                return Rejected(
                    task.file.name, f"the worker pool failed twice while reading it ({exc})"
                )
            except Exception as exc:
                # `work` turns whatever a file does into a Rejected; this escaped it (pebble's
                # own errors, a result that cannot be sent back). The worker's traceback is the
                # exception's cause, so the log shows where in the worker it happened.
                logger.error("preparing %s failed", task.file.name, exc_info=exc)
                result = Rejected(
                    task.file.name,
                    f"could not be read: internal error while reading ({type(exc).__name__})",
                )
            pending.popleft()
            return result

    def _replace(self, pending: deque[_Task], exc: BrokenProcessPool) -> None:
        """A new pool, given again every file the broken one had not finished."""
        logger.warning("the worker pool broke (%s); starting a new one", exc)
        self.stop()
        self.pool = self._new_pool()
        for task in pending:
            if task.unfinished:
                task.future = self._schedule(task.file)

    def stop(self) -> None:
        """Stop the workers, even mid-file: what they were doing is no longer wanted."""
        self.pool.stop()
        self.pool.join()


def _death(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    try:
        return f"killed by {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"killed by signal {-exitcode}"
