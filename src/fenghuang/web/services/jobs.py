"""Background jobs (evaluation runs) with progress the pages poll through htmx.

A :class:`JobRunner` lives on ``app.state.jobs``; it runs one job at a time
on a worker thread (the store is a single DuckDB file) and keeps each job's
state for polling.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

from fenghuang.errors import FenghuangError, NotFoundError
from fenghuang.web.services.caches import WriteTracker

__all__ = ["Job", "JobRunner"]

Status = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    """State of one background job."""

    job_id: str
    kind: str
    owner: str
    label: str
    status: Status = "queued"
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def elapsed(self) -> float:
        """Seconds since the job was queued (until it finished)."""
        return (self.finished or time.monotonic()) - self.started


class JobRunner:
    """Runs callables in the background, one at a time, keeping their state."""

    def __init__(self, writes: WriteTracker | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fh-job")
        self._writes = writes
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(
        self,
        fn: Callable[[Callable[[float, str], None]], Any],
        *,
        kind: str,
        owner: str,
        label: str,
        touches_facts: bool = True,
    ) -> Job:
        """Queue ``fn(progress)``; ``progress(fraction, message)`` updates the job.

        Unless ``touches_facts`` is False (an evaluation run: it writes only
        run tables) the job counts as a write that may change any fact, for
        the caches of the ``writes`` tracker.
        """
        job = Job(job_id=secrets.token_hex(8), kind=kind, owner=owner, label=label)
        with self._lock:
            self._jobs[job.job_id] = job

        def progress(fraction: float, message: str = "") -> None:
            job.progress = max(0.0, min(1.0, float(fraction)))
            if message:
                job.message = message

        def work() -> None:
            job.status = "running"
            tracked = (
                self._writes.writing(sources=True)
                if self._writes is not None and touches_facts
                else nullcontext()
            )
            try:
                with tracked:
                    job.result = fn(progress)
            except FenghuangError as exc:
                job.status, job.error = "failed", exc.message()
            except Exception as exc:
                job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            else:
                job.status, job.progress = "done", 1.0
            finally:
                job.finished = time.monotonic()

        self._pool.submit(work)
        return job

    def get(self, job_id: str) -> Job:
        """A job by id, or :class:`NotFoundError`."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("E-WEB-NO-JOB", zh="任务不存在", en="no such job", field=job_id)
        return job

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until the job ends (tests and the CLI)."""
        end = time.monotonic() + timeout
        job = self.get(job_id)
        while job.finished is None and time.monotonic() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs; wait for the running one."""
        self._pool.shutdown(wait=True, cancel_futures=True)
