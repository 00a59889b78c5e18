// The two ways the clock works through what is due: batches (real mode timers) and one item at a
// time in time order (manual mode and `advance`).
import type { ClockJobs } from "./clock-jobs.js";
import type { NoticeRunner } from "./clock.js";
import type { NoticeQueue } from "./notices.js";
import type { Job, Store } from "./store.js";

const BATCH = 500;

/** What the loops run on. */
export interface ClockLoopContext {
  store: Store;
  jobs: ClockJobs;
  notices: NoticeQueue;
  runNotice: NoticeRunner;
  onJobError: (job: Job, error: unknown) => void;
}

/** Runs the notices due by `until`; a failing one is reported, never fatal. */
export function runNotices(context: ClockLoopContext, until: number): void {
  const { notices } = context;
  while (notices.size > 0 && notices.peekDue()! <= until) {
    const notice = notices.pop();
    try {
      context.runNotice(notice);
    } catch (error) {
      process.emitWarning(`[@twilio-kit/sandbox] notice failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}

/** Runs every job due by `until` in batched transactions; follow-up work runs concurrently. */
export function runJobBatches(context: ClockLoopContext, until: number): void {
  const { store, jobs, onJobError } = context;
  for (;;) {
    const due = store.dueJobs(until, BATCH);
    if (due.length === 0) break;
    store.transaction(() => {
      for (const job of due) {
        try {
          jobs.track(job, jobs.runJob(job));
        } catch (error) {
          // one broken job must not roll back (and so replay forever) the whole batch
          onJobError(job, error);
        }
      }
    });
    if (due.length < BATCH) break;
  }
}

/**
 * Runs one job or notice at a time up to `target`, in time order (a notice first at the same time),
 * awaiting each job's effects, so a webhook answered at t=1 can schedule work at t=2 before anything
 * due at t=5 runs. `reach(due)` is told the time of each item before it runs.
 */
export async function runInOrder(context: ClockLoopContext, target: number, reach: (due: number) => void): Promise<void> {
  const { store, jobs, notices, onJobError } = context;
  for (;;) {
    const job = store.dueJobs(target, 1)[0];
    const noticeDue = notices.peekDue();
    if (noticeDue !== undefined && noticeDue <= target && (!job || noticeDue <= job.due)) {
      reach(noticeDue);
      runNotices(context, noticeDue);
      continue;
    }
    if (!job) break;
    reach(job.due);
    try {
      await jobs.runJob(job);
    } catch (error) {
      // the later jobs still run: one failure must not stop time for everything else
      onJobError(job, error);
    }
  }
}
