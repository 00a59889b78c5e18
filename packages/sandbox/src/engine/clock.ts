// The virtual clock: state machines (call progress, TwiML pauses, Gather timeouts, status callbacks)
// schedule durable jobs in SQLite at a virtual time; notices (events of a state that is computed from
// stored times, like a message's status) are kept in memory. `real` runs both on timers, `manual` only
// when `advance(ms)` moves time, which makes tests deterministic: no sleeps, no timed assertions.
import { createJobRunner } from "./clock-jobs.js";
import { createTimeline } from "./clock-timeline.js";
import { createNoticeQueue, type Notice } from "./notices.js";
import type { Job, Store } from "./store.js";

/** `real`: virtual time follows the wall clock (plus any advance); `manual`: time moves only on advance. */
export type ClockMode = "real" | "manual";

/** Runs a job; may return a promise for follow-up work (webhooks), awaited in manual mode. */
export type JobRunner = (job: Job) => void | Promise<void>;

/** Runs a notice (synchronously). */
export type NoticeRunner = (notice: Notice) => void;

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
  const jobs = createJobRunner(store, run, onJobError);
  const notices = createNoticeQueue();
  const time = createTimeline({ store, jobs, notices, runNotice, onJobError }, mode, startMs);

  return {
    mode,
    now: time.now,
    /** Schedules a job `delayMs` from now. */
    schedule(delayMs: number, kind: string, ref: string, data?: unknown): void {
      const due = time.now() + Math.max(0, delayMs);
      time.expectJob(due);
      jobs.place(due, kind, ref, data);
      time.arm(due);
    },
    /** Drops the pending jobs of a resource (optionally one kind). */
    cancel(ref: string, kind?: string): void {
      jobs.cancel(ref, kind);
    },
    /**
     * Has the notice runner called at virtual time `due` with `ref` and `tag` (numbers only). Notices
     * live in memory (a restart drops them): they are for events of states computed from stored times.
     */
    notify(due: number, ref: number, tag: number): void {
      notices.push(due, ref, tag);
      time.arm(due);
    },
    /** Drops every pending notice (a reset). */
    clearNotices(): void {
      notices.clear();
    },
    /** Moves virtual time forward, running every job that falls due, in order. */
    advance: time.advance,
    /** Starts the timers (real mode) after the server is listening; resumes jobs left by a restart. */
    start: time.start,
    /** Stops timers and waits for in-flight work. */
    async stop(): Promise<void> {
      await time.stop();
      await jobs.settled();
    },
    /** Resolves when no job work is running (in-flight webhooks included). */
    async idle(): Promise<void> {
      await time.idle();
      await jobs.idle();
    },
  };
}

/** The clock API. */
export type Clock = ReturnType<typeof createClock>;
