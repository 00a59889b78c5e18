// Virtual time of the clock: the offset, the real-mode timer and the chain that serializes every run
// of due work, so a timer batch and an `advance` never interleave.
import type { ClockMode } from "./clock.js";
import { runInOrder, runJobBatches, runNotices, type ClockLoopContext } from "./clock-loop.js";

/** A one-shot timer kept armed for the earliest due time; `fire` runs when it expires. */
function createTimer(now: () => number, fire: () => void) {
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let isStopped = false;
  return {
    /** Arms for `due` unless already armed for that time or earlier. */
    arm(due: number | undefined): void {
      if (isStopped || due === undefined) return;
      if (due >= armedFor && timer) return;
      if (timer) clearTimeout(timer);
      armedFor = due;
      // setTimeout caps at 2^31-1 ms; a far job re-arms when the timer fires
      const delay = Math.min(Math.max(0, due - now()), 2 ** 31 - 1);
      timer = setTimeout(() => {
        timer = undefined;
        armedFor = Number.POSITIVE_INFINITY;
        fire();
      }, delay);
      timer.unref?.();
    },
    resume(): void {
      isStopped = false;
    },
    stop(): void {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Creates the virtual time line of one clock; `real` runs due work on timers, `manual` only on advance. */
export function createTimeline(context: ClockLoopContext, mode: ClockMode, startMs: number) {
  const { store, notices } = context;
  let offsetMs = mode === "real" ? 0 : startMs;
  let chain: Promise<void> = Promise.resolve();
  // Lower bound of the earliest job's due time (an early guess only costs a query): the notice timer
  // fires often and must not query the job table each time.
  let jobsDue = store.nextDue() ?? Number.POSITIVE_INFINITY;

  const now = (): number => (mode === "real" ? Date.now() + offsetMs : offsetMs);
  const nextDue = (): number | undefined => {
    const due = Math.min(jobsDue, notices.peekDue() ?? Number.POSITIVE_INFINITY);
    return due === Number.POSITIVE_INFINITY ? undefined : due;
  };
  // manual time jumps to each item as it runs
  const reach = (due: number): void => {
    if (mode === "manual" && due > offsetMs) offsetMs = due;
  };

  function serialize(task: () => Promise<void> | void): Promise<void> {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  }

  const timer = createTimer(now, () => void serialize(runRealBatch));
  // only real mode runs on timers
  const arm = (due: number | undefined): void => {
    if (mode === "real") timer.arm(due);
  };

  // Real mode: run everything due in batched transactions; follow-up work runs concurrently.
  function runRealBatch(): void {
    runNotices(context, now());
    if (jobsDue > now()) return arm(nextDue());
    runJobBatches(context, now());
    jobsDue = store.nextDue() ?? Number.POSITIVE_INFINITY;
    arm(nextDue());
  }

  return {
    now,
    arm,
    /** Notes that a job is now due at `due` (the earliest-due bound only ever moves down here). */
    expectJob(due: number): void {
      jobsDue = Math.min(jobsDue, due);
    },
    /** Moves virtual time forward, running every job that falls due, in order. @throws TypeError on a bad ms */
    advance(ms: number): Promise<void> {
      if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`[@twilio-kit/sandbox] advance(ms) needs a finite ms >= 0, got ${ms}`);
      return serialize(async () => {
        if (mode === "real") {
          offsetMs += ms;
          await runInOrder(context, now(), reach);
          arm(nextDue());
        } else {
          const target = offsetMs + ms;
          await runInOrder(context, target, reach);
          offsetMs = target;
        }
      });
    },
    /** Starts the timers (real mode); resumes jobs left by a restart. */
    start(): void {
      timer.resume();
      if (mode === "real") serialize(runRealBatch);
    },
    /** Stops the timer and waits for the run in progress. */
    async stop(): Promise<void> {
      timer.stop();
      await chain;
    },
    /** Waits for the run in progress and any queued behind it. */
    async idle(): Promise<void> {
      await chain;
    },
  };
}
