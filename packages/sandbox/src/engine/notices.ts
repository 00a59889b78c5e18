// A min-heap of notices — (due, ref, tag) triples of numbers — in one growable Float64Array.
// Tens of thousands are in flight during a burst of message creates; as numbers they cost no
// objects, so nothing lives long enough to be promoted and inflate the old generation.

/** A popped notice. */
export interface Notice {
  due: number;
  ref: number;
  tag: number;
}

const STRIDE = 4; // due, order (ties: scheduling order), ref, tag

/** Creates an empty notice queue. */
export function createNoticeQueue() {
  let slots = new Float64Array(STRIDE * 1024);
  let size = 0;
  let order = 0;

  function before(a: number, b: number): boolean {
    const dueA = slots[a * STRIDE]!;
    const dueB = slots[b * STRIDE]!;
    return dueA < dueB || (dueA === dueB && slots[a * STRIDE + 1]! < slots[b * STRIDE + 1]!);
  }

  function swap(a: number, b: number): void {
    for (let k = 0; k < STRIDE; k++) {
      const t = slots[a * STRIDE + k]!;
      slots[a * STRIDE + k] = slots[b * STRIDE + k]!;
      slots[b * STRIDE + k] = t;
    }
  }

  return {
    get size(): number {
      return size;
    },
    /** Due time of the earliest notice, or undefined when empty. */
    peekDue(): number | undefined {
      return size === 0 ? undefined : slots[0];
    },
    push(due: number, ref: number, tag: number): void {
      if ((size + 1) * STRIDE > slots.length) {
        const grown = new Float64Array(slots.length * 2);
        grown.set(slots);
        slots = grown;
      }
      let i = size++;
      slots[i * STRIDE] = due;
      slots[i * STRIDE + 1] = order++;
      slots[i * STRIDE + 2] = ref;
      slots[i * STRIDE + 3] = tag;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    /** Removes the earliest notice. @throws RangeError when empty */
    pop(): Notice {
      if (size === 0) throw new RangeError("[@twilio-kit/sandbox] pop() on an empty notice queue");
      const notice = { due: slots[0]!, ref: slots[2]!, tag: slots[3]! };
      size--;
      if (size > 0) {
        slots.copyWithin(0, size * STRIDE, (size + 1) * STRIDE);
        for (let i = 0; ; ) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < size && before(left, least)) least = left;
          if (right < size && before(right, least)) least = right;
          if (least === i) break;
          swap(i, least);
          i = least;
        }
      }
      return notice;
    },
    clear(): void {
      size = 0;
    },
  };
}

/** The notice queue API. */
export type NoticeQueue = ReturnType<typeof createNoticeQueue>;
