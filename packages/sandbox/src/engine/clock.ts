// The virtual clock: state machines (call progress, TwiML pauses, Gather timeouts, status callbacks)
// schedule durable jobs in SQLite at a virtual time; notices (events of a state that is computed from
// stored times, like a message's status) are kept in memory. `real` runs both on timers, `manual` only
// when `advance(ms)` moves time, which makes tests deterministic: no sleeps, no timed assertions.
import { createNoticeQueue, type Notice } from "./notices.js";
import type { Job, Store } from "./store.js";

/** `real`: virtual time follows the wall clock (plus any advance); `manual`: time moves only on advance. */
export type ClockMode = "real" | "manual";

/** Runs a job; may return a promise for follow-up work (webhooks), awaited in manual mode. */
export type JobRunner = (job: Job) => void | Promise<void>;

/** Runs a notice (synchronously). */
export type NoticeRunner = (notice: Notice) => void;

const BATCH = 500;

/** One line on stderr naming the job that failed and why (a failed job is never dropped silently). */
export function reportJobFailure(job: Pick<Job, "kind" | "ref">, error: unknown): void {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.emitWarning(`[@twilio-kit/sandbox] clock job ${job.kind} for ${job.ref} failed: ${reason}`);
}

/** Creates the clock and scheduler over the store's job table. */
export function createClock(
  store: Store,
  mode: ClockMode,
  run: JobRunner,
  runNotice: NoticeRunner,
  startMs = Date.now(),
  onJobError: (job: Job, error: unknown) => void = reportJobFailure,
) {
  let offsetMs = mode === "real" ? 0 : startMs;
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let isStopped = false;
  let chain: Promise<void> = Promise.resolve();
  const inflight = new Set<Promise<void>>();
  // The job whose runner is executing synchronously. A step that schedules the next step of the same
  // resource moves this row instead of deleting it and inserting another (a lifecycle keeps one row).
  let running: Job | undefined;
  let runningRow: "kept" | "moved" | "gone" = "gone";
  const notices = createNoticeQueue();
  // Lower bound of the earliest job's due time (an early guess only costs a query): the notice timer
  // fires often and must not query the job table each time.
  let jobsDue = store.nextDue() ?? Number.POSITIVE_INFINITY;

  /** Runs a job; its row is deleted afterwards unless the runner moved or cancelled it. */
  function runJob(job: Job): void | Promise<void> {
    running = job;
    runningRow = "kept";
    try {
      return run(job);
    } finally {
      running = undefined;
      if (runningRow === "kept") store.removeJob(job.id);
    }
  }

  const now = (): number => (mode === "real" ? Date.now() + offsetMs : offsetMs);

  function track(job: Job, result: void | Promise<void>): void {
    if (!result) return;
    // the follow-up work (webhooks, TwiML) runs after the batch: its failure is reported, not swallowed
    const promise = result.catch((error: unknown) => onJobError(job, error)).finally(() => inflight.delete(promise));
    inflight.add(promise);
  }

  function arm(due: number | undefined): void {
    if (mode !== "real" || isStopped || due === undefined) return;
    if (due >= armedFor && timer) return;
    if (timer) clearTimeout(timer);
    armedFor = due;
    // setTimeout caps at 2^31-1 ms; a far job re-arms when the timer fires
    const delay = Math.min(Math.max(0, due - now()), 2 ** 31 - 1);
    timer = setTimeout(() => {
      timer = undefined;
      armedFor = Number.POSITIVE_INFINITY;
      serialize(() => runRealBatch());
    }, delay);
    timer.unref?.();
  }

  function serialize(task: () => Promise<void> | void): Promise<void> {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  }

  /** Runs the notices due by `until`; a failing one is reported, never fatal. */
  function runNotices(until: number): void {
    while (notices.size > 0 && notices.peekDue()! <= until) {
      const notice = notices.pop();
      try {
        runNotice(notice);
      } catch (error) {
        process.emitWarning(`[@twilio-kit/sandbox] notice failed: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
  }

  function nextDue(): number | undefined {
    const due = Math.min(jobsDue, notices.peekDue() ?? Number.POSITIVE_INFINITY);
    return due === Number.POSITIVE_INFINITY ? undefined : due;
  }

  // Real mode: run everything due in batched transactions; follow-up work runs concurrently.
  function runRealBatch(): void {
    runNotices(now());
    if (jobsDue > now()) return arm(nextDue());
    for (;;) {
      const jobs = store.dueJobs(now(), BATCH);
      if (jobs.length === 0) break;
      store.transaction(() => {
        for (const job of jobs) {
          try {
            track(job, runJob(job));
          } catch (error) {
            // one broken job must not roll back (and so replay forever) the whole batch
            onJobError(job, error);
          }
        }
      });
      if (jobs.length < BATCH) break;
    }
    jobsDue = store.nextDue() ?? Number.POSITIVE_INFINITY;
    arm(nextDue());
  }

  // Manual mode (and advance in real mode): one job or notice at a time, in time order (a notice
  // first at the same time), awaiting each job's effects, so a webhook answered at t=1 can schedule
  // work at t=2 before anything due at t=5 runs.
  async function runUntil(target: number): Promise<void> {
    for (;;) {
      const job = store.dueJobs(target, 1)[0];
      const noticeDue = notices.peekDue();
      if (noticeDue !== undefined && noticeDue <= target && (!job || noticeDue <= job.due)) {
        if (mode === "manual" && noticeDue > offsetMs) offsetMs = noticeDue;
        runNotices(noticeDue);
        continue;
      }
      if (!job) break;
      if (mode === "manual" && job.due > offsetMs) offsetMs = job.due;
      try {
        await runJob(job);
      } catch (error) {
        // the later jobs still run: one failure must not stop time for everything else
        onJobError(job, error);
      }
    }
  }

  return {
    mode,
    now,
    /** Schedules a job `delayMs` from now. */
    schedule(delayMs: number, kind: string, ref: string, data?: unknown): void {
      const due = now() + Math.max(0, delayMs);
      jobsDue = Math.min(jobsDue, due);
      if (running && runningRow === "kept" && running.kind === kind && running.ref === ref) {
        store.moveJob(running.id, due, data);
        runningRow = "moved";
      } else {
        store.addJob(due, kind, ref, data);
      }
      arm(due);
    },
    /** Drops the pending jobs of a resource (optionally one kind). */
    cancel(ref: string, kind?: string): void {
      // the running job's row goes with the others (removing it again afterwards would be a wasted write)
      if (running && running.ref === ref && (kind === undefined || running.kind === kind)) runningRow = "gone";
      store.cancelJobs(ref, kind);
    },
    /**
     * Has the notice runner called at virtual time `due` with `ref` and `tag` (numbers only). Notices
     * live in memory (a restart drops them): they are for events of states computed from stored times.
     */
    notify(due: number, ref: number, tag: number): void {
      notices.push(due, ref, tag);
      arm(due);
    },
    /** Drops every pending notice (a reset). */
    clearNotices(): void {
      notices.clear();
    },
    /** Moves virtual time forward, running every job that falls due, in order. */
    advance(ms: number): Promise<void> {
      if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`[@twilio-kit/sandbox] advance(ms) needs a finite ms >= 0, got ${ms}`);
      return serialize(async () => {
        if (mode === "real") {
          offsetMs += ms;
          await runUntil(now());
          arm(nextDue());
        } else {
          const target = offsetMs + ms;
          await runUntil(target);
          offsetMs = target;
        }
      });
    },
    /** Starts the timers (real mode) after the server is listening; resumes jobs left by a restart. */
    start(): void {
      isStopped = false;
      if (mode === "real") serialize(() => runRealBatch());
    },
    /** Stops timers and waits for in-flight work. */
    async stop(): Promise<void> {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await chain;
      await Promise.allSettled([...inflight]);
    },
    /** Resolves when no job work is running (in-flight webhooks included). */
    async idle(): Promise<void> {
      await chain;
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

/** The clock API. */
export type Clock = ReturnType<typeof createClock>;
