// Running the clock's durable jobs: the row of a job that ran is deleted afterwards unless its runner
// moved it (the next step of the same resource) or cancelled it; follow-up work is tracked in flight.
import type { JobRunner } from "./clock.js";
import type { Job, Store } from "./store.js";

/** Creates the job runner of one clock over the store's job table. */
export function createJobRunner(store: Store, run: JobRunner, onJobError: (job: Job, error: unknown) => void) {
  const inflight = new Set<Promise<void>>();
  // The job whose runner is executing synchronously. A step that schedules the next step of the same
  // resource moves this row instead of deleting it and inserting another (a lifecycle keeps one row).
  let running: Job | undefined;
  let runningRow: "kept" | "moved" | "gone" = "gone";

  return {
    /** Runs a job; its row is deleted afterwards unless the runner moved or cancelled it. */
    runJob(job: Job): void | Promise<void> {
      running = job;
      runningRow = "kept";
      try {
        return run(job);
      } finally {
        running = undefined;
        if (runningRow === "kept") store.removeJob(job.id);
      }
    },
    /** Keeps a job's follow-up work in flight until it settles. */
    track(job: Job, result: void | Promise<void>): void {
      if (!result) return;
      // the follow-up work (webhooks, TwiML) runs after the batch: its failure is reported, not swallowed
      const promise = result.catch((error: unknown) => onJobError(job, error)).finally(() => inflight.delete(promise));
      inflight.add(promise);
    },
    /** Stores a job due at `due`, moving the running job's row when it schedules its own next step. */
    place(due: number, kind: string, ref: string, data?: unknown): void {
      if (running && runningRow === "kept" && running.kind === kind && running.ref === ref) {
        store.moveJob(running.id, due, data);
        runningRow = "moved";
      } else {
        store.addJob(due, kind, ref, data);
      }
    },
    /** Drops the pending jobs of a resource (optionally one kind). */
    cancel(ref: string, kind?: string): void {
      // the running job's row goes with the others (removing it again afterwards would be a wasted write)
      if (running && running.ref === ref && (kind === undefined || running.kind === kind)) runningRow = "gone";
      store.cancelJobs(ref, kind);
    },
    /** Waits for the follow-up work in flight now. */
    async settled(): Promise<void> {
      await Promise.allSettled([...inflight]);
    },
    /** Waits until no follow-up work is in flight, including work started meanwhile. */
    async idle(): Promise<void> {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

/** The clock's job runner. */
export type ClockJobs = ReturnType<typeof createJobRunner>;
