// The job table of the virtual clock: every change joins the group transaction.
import type { Job } from "./store.js";
import type { Statements } from "./store-statements.js";

function encode(data: unknown): string | null {
  return data === undefined ? null : JSON.stringify(data);
}

/** The job methods of a store over its statements and group transaction. */
export function jobMethods(st: Statements, begin: () => void) {
  return {
    addJob(due: number, kind: string, ref: string, data?: unknown): void {
      begin();
      st.insertJob.run(due, kind, ref, encode(data));
    },
    dueJobs(until: number, limit: number): Job[] {
      return st.nextJobs.all(until, limit) as Job[];
    },
    nextDue(): number | undefined {
      return (st.minDue.get() as number | null) ?? undefined;
    },
    /** Reschedules a job in place: cheaper than a delete and an insert (no `ref` index write). */
    moveJob(id: number, due: number, data?: unknown): void {
      begin();
      st.moveJob.run(due, encode(data), id);
    },
    removeJob(id: number): void {
      begin();
      st.deleteJob.run(id);
    },
    cancelJobs(ref: string, kind?: string): void {
      begin();
      if (kind) st.deleteJobsOfKind.run(ref, kind);
      else st.deleteJobsOf.run(ref);
    },
  };
}
