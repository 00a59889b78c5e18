import type { Context } from "../context.js";
export async function runSendBulk(_argv: readonly string[], _ctx: Context): Promise<number> {
  throw new Error("todo");
}
