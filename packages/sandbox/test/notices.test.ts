import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createNoticeQueue } from "../src/engine/notices.js";

describe("notice queue", () => {
  it("pops by due time, then in scheduling order, across growth", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1e9 })), { maxLength: 3000 }), (entries) => {
        const queue = createNoticeQueue();
        entries.forEach(([due, ref], index) => queue.push(due, ref, index));
        const expected = entries.map(([due, ref], index) => ({ due, ref, tag: index })).sort((a, b) => a.due - b.due || a.tag - b.tag);
        const popped = [];
        while (queue.size > 0) popped.push(queue.pop());
        expect(popped).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("peeks the earliest due time, clears, and refuses to pop when empty", () => {
    const queue = createNoticeQueue();
    expect(queue.peekDue()).toBeUndefined();
    queue.push(7, 1, 0);
    queue.push(3, 2, 0);
    expect(queue.peekDue()).toBe(3);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(() => queue.pop()).toThrow(/empty notice queue/);
  });
});
