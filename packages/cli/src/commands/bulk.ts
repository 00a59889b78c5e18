// `twk messages send-bulk`: one message per CSV row, bounded concurrency, a rate limit, a progress
// bar, and a journal that makes a re-run after a crash or Ctrl-C resume with no duplicate and no
// skipped row. Rows whose request was in flight when the process died are looked up in the API
// (same To/From/Body, created after the request was journaled) before anything is re-sent.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { GLOBAL_FLAGS, intFlag, parseArgs, renderFlags, stringFlag, type FlagSpecs } from "../args.js";
import { createCliClient, type CliClient } from "../client.js";
import type { Context } from "../context.js";
import { parseCsv } from "../csv.js";
import { CliError, toReport, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";
import { openJournal, readJournal } from "../journal.js";
import { outputOptions } from "../output.js";
import { CREATE_MESSAGE, CREATE_MESSAGE_ROW } from "./send.js";

const LIST_MESSAGES = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";

const FLAGS: FlagSpecs = {
  csv: { type: "string", value: "path", description: "(required) Recipients, with a header row" },
  from: { type: "string", value: "+E164", description: "Sender number (or --messaging-service-sid)" },
  "messaging-service-sid": { type: "string", value: "MG…", description: "Send through a Messaging Service" },
  body: { type: "string", value: "template", description: 'Message template: "Hi {{name}}" uses the name column' },
  "body-file": { type: "string", value: "path", description: "Read the template from a file" },
  "to-column": { type: "string", value: "name", description: "Column with the recipient (default: to, phone, phone_number or number)" },
  journal: { type: "string", value: "path", description: "Journal file (default: <csv>.twk-journal)" },
  concurrency: { type: "string", value: "n", description: "Requests in flight at once (default 4)" },
  rate: { type: "string", value: "n", description: "Messages per second at most (default 10; 0 = no limit)" },
  "status-callback": { type: "string", value: "url", description: "Status callback URL for every message" },
  "dry-run": { type: "boolean", description: "Render the messages (ndjson on stdout) without sending" },
  fresh: { type: "boolean", description: "Delete an existing journal and start over (may send twice!)" },
  ...GLOBAL_FLAGS,
};

const HELP = `Send one message per CSV row, resumably.

Usage: twk messages send-bulk --csv recipients.csv (--from +E164 | --messaging-service-sid MG…)
                              (--body "Hi {{name}}" | --body-file template.txt) [flags]

Every row is journaled (<csv>.twk-journal) before and after its request. Re-run the same command
after a crash or Ctrl-C: rows already sent or failed are not sent again, rows whose outcome was lost
are looked up in the API first, and the rest are sent. Exit 0 when every row was sent, 6 otherwise.

Flags:
${renderFlags(FLAGS)}
`;

/** A row ready to send. */
interface Job {
  row: number;
  to: string;
  body: string;
}

function render(template: string, record: Record<string, string>, row: number): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, name: string) => {
    const value = record[name];
    if (value === undefined) throw usageError(`the template uses {{${name}}} but the CSV has no ${JSON.stringify(name)} column (row ${row})`);
    return value;
  });
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Progress on stderr: a redrawn bar on a terminal, a plain line every ~10% otherwise. */
function createProgress(io: Io, total: number, doneBefore: number) {
  const started = Date.now();
  let lastDraw = 0;
  let lastLine = -1;
  return {
    update(done: number, failed: number, force = false) {
      const elapsed = (Date.now() - started) / 1000;
      // The rate of this run only: rows done by an earlier run would inflate it.
      const rate = elapsed > 0 ? (done - doneBefore) / elapsed : 0;
      if (io.isErrTty) {
        if (!force && Date.now() - lastDraw < 100) return;
        lastDraw = Date.now();
        const width = 24;
        const filled = total ? Math.round((done / total) * width) : width;
        const eta = rate > 0 ? formatDuration((total - done) / rate) : "?";
        io.err(`\r\u001b[K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)}/s ETA ${eta}${failed ? ` failed ${failed}` : ""}`);
        return;
      }
      const step = Math.max(1, Math.ceil(total / 10));
      const bucket = Math.floor(done / step);
      if (force || bucket !== lastLine) {
        lastLine = bucket;
        io.err(`progress: ${done}/${total} (${rate.toFixed(1)}/s)${failed ? ` failed ${failed}` : ""}\n`);
      }
    },
    end() {
      if (io.isErrTty) io.err("\n");
    },
  };
}

/** Finds a message created for this row by a run that died before recording the outcome. */
async function findSent(client: CliClient, job: Job, from: string | undefined, sentAt: string, signal: AbortSignal): Promise<string | undefined> {
  const params: Record<string, unknown> = { To: job.to };
  if (from) params.From = from;
  // A minute of slack for clock skew between this machine and the API.
  const since = Date.parse(sentAt) - 60_000;
  for await (const item of client.paginate(LIST_MESSAGES, params, { limit: 200, pageSize: 50, signal })) {
    const message = item as { sid: string; body?: string; date_created?: string };
    const created = message.date_created ? Date.parse(message.date_created) : Number.NaN;
    if (!Number.isNaN(created) && created < since) break; // newest first: nothing older can match
    if (message.body === job.body) return message.sid;
  }
  return undefined;
}

/** `twk messages send-bulk`. */
export async function runSendBulk(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) return io.out(HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const csvPath = stringFlag(flags, "csv");
  if (!csvPath) throw usageError("send-bulk needs --csv");
  const from = stringFlag(flags, "from");
  const service = stringFlag(flags, "messaging-service-sid");
  if (!from && !service) throw usageError("send-bulk needs --from or --messaging-service-sid");
  const bodyFile = stringFlag(flags, "body-file");
  const template = bodyFile !== undefined ? readFileSync(bodyFile, "utf8").replace(/\r?\n$/, "") : stringFlag(flags, "body");
  if (template === undefined) throw usageError("send-bulk needs --body or --body-file");
  const concurrency = intFlag(flags, "concurrency", 1) ?? 4;
  const rate = intFlag(flags, "rate", 0) ?? 10;
  const callback = stringFlag(flags, "status-callback");
  const output = outputOptions(flags, io);

  let csvText: string;
  try {
    csvText = readFileSync(csvPath, "utf8");
  } catch (error) {
    throw usageError(`cannot read --csv ${csvPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let table: string[][];
  try {
    table = parseCsv(csvText);
  } catch (error) {
    throw usageError(`${csvPath}: ${(error as Error).message}`);
  }
  const [header, ...records] = table;
  if (!header) throw usageError(`${csvPath} is empty`);
  const columns = header.map((h) => h.trim());
  const toColumn = stringFlag(flags, "to-column") ?? columns.find((c) => ["to", "phone", "phone_number", "number"].includes(c.toLowerCase()));
  if (!toColumn || !columns.includes(toColumn)) {
    throw usageError(`${csvPath} has no recipient column`, `name it to/phone or pass --to-column (columns: ${columns.join(", ")})`);
  }
  // Render every row before sending anything: a template error must not stop a run halfway.
  const jobs: Job[] = records.map((fields, index) => {
    const row = index + 1;
    const record = Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? ""]));
    const to = record[toColumn]!.trim();
    if (!to) throw usageError(`row ${row} of ${csvPath} has an empty ${toColumn}`);
    return { row, to, body: render(template, record, row) };
  });

  if (flags["dry-run"]) {
    for (const job of jobs) await io.out(`${JSON.stringify({ row: job.row, To: job.to, Body: job.body })}\n`);
    return EXIT.ok;
  }

  // The journal belongs to one input: same rows, same template, same sender.
  const input = createHash("sha256").update(JSON.stringify([jobs, from ?? null, service ?? null])).digest("hex");
  const journalPath = stringFlag(flags, "journal") ?? `${csvPath}.twk-journal`;
  if (flags.fresh && existsSync(journalPath)) rmSync(journalPath);
  const state = readJournal(journalPath);
  if (state.input !== undefined && state.input !== input) {
    throw new CliError(
      `${journalPath} belongs to another run (the CSV, template or sender changed)`,
      EXIT.usage,
      "pass --journal <new path> for a new run, or --fresh to discard it (rows it recorded as sent would be sent again)",
    );
  }
  const client = createCliClient(flags, io.env, { [CREATE_MESSAGE]: CREATE_MESSAGE_ROW, [LIST_MESSAGES]: { l: "messages" } });
  const journal = openJournal(journalPath);
  if (state.input === undefined) journal.append({ t: "start", v: 1, input, rows: jobs.length });

  let sent = 0;
  let failed = 0;
  let reconciled = 0;
  let unknown = 0;
  const skipped = state.done.size;
  const failures = new Map<string, { count: number; message: string }>();
  const recordFailure = (key: string, message: string) => {
    const entry = failures.get(key) ?? { count: 0, message };
    entry.count++;
    failures.set(key, entry);
  };
  for (const record of state.done.values()) if (record.t === "fail") recordFailure(String(record.code ?? record.status ?? "error"), record.message);

  let fatal: unknown;
  const failedBefore = [...state.done.values()].filter((r) => r.t === "fail").length;
  const pending: Job[] = [];
  try {
    // Rows whose outcome was lost: sent or not? Ask the API before deciding.
    for (const job of jobs) {
      if (state.done.has(job.row)) continue;
      const sentAt = state.inFlight.get(job.row);
      if (sentAt !== undefined) {
        const sid = await findSent(client, job, from, sentAt, ctx.signal);
        if (sid) {
          journal.append({ t: "ok", row: job.row, sid, reconciled: true });
          reconciled++;
          continue;
        }
      }
      pending.push(job);
    }

    const total = jobs.length;
    const progress = createProgress(io, total, skipped + reconciled);
    let done = skipped + reconciled;
    let nextSlot = Date.now();
    let cursor = 0;
    const interval = rate > 0 ? 1000 / rate : 0;
    const worker = async () => {
      while (cursor < pending.length && !ctx.signal.aborted && fatal === undefined) {
        const job = pending[cursor++]!;
        if (interval) {
          const slot = Math.max(nextSlot, Date.now());
          nextSlot = slot + interval;
          if (slot > Date.now()) await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
          if (ctx.signal.aborted || fatal !== undefined) break; // not journaled: counted as not started
        }
        const params: Record<string, unknown> = { To: job.to, Body: job.body };
        if (from) params.From = from;
        if (service) params.MessagingServiceSid = service;
        if (callback) params.StatusCallback = callback;
        journal.append({ t: "send", row: job.row, at: new Date().toISOString() });
        try {
          // No abort signal: a request already sent finishes and is recorded, even on Ctrl-C.
          const message = (await client.request(CREATE_MESSAGE, params)) as { sid: string };
          journal.append({ t: "ok", row: job.row, sid: message.sid });
          sent++;
        } catch (error) {
          const report = toReport(error);
          const isFinal = report.kind === "api" && report.status !== undefined && report.status !== 429 && report.status < 500;
          if (isFinal) {
            journal.append({ t: "fail", row: job.row, status: report.status, code: report.code, message: report.message });
            failed++;
            recordFailure(String(report.code ?? report.status), report.message);
          } else {
            // No answer, a 5xx, a 429 after retries, or rejected credentials: the row stays in flight
            // (never "failed"), so the next run looks it up and sends it if it does not exist.
            unknown++;
            recordFailure(report.code !== undefined ? String(report.code) : report.kind, report.message);
            if (report.kind === "auth") fatal ??= error; // every other row would fail the same way
          }
        }
        done++;
        progress.update(done, failed + failedBefore);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
    if (fatal !== undefined) throw fatal;
    progress.update(done, failed + failedBefore, true);
    progress.end();
  } finally {
    journal.close();
  }

  const left = pending.length - sent - failed - unknown;
  const summary = {
    rows: jobs.length,
    sent,
    failed,
    unknown,
    reconciled,
    already_done: skipped,
    not_started: Math.max(0, left),
    journal: journalPath,
    failures: [...failures].map(([code, f]) => ({ code, count: f.count, message: f.message })),
  };
  if (output.format === "json" || output.format === "ndjson") {
    await io.out(`${JSON.stringify(summary, null, output.format === "json" ? 2 : 0)}\n`);
  }
  {
    // The summary for people always goes to stderr; stdout carries the JSON summary when asked.
    const lines = [
      `sent ${sent}, failed ${failed}, unconfirmed ${unknown}, found already sent ${reconciled}, done before ${skipped}${summary.not_started ? `, not started ${summary.not_started}` : ""} (journal: ${journalPath})`,
    ];
    if (failures.size) {
      lines.push("failures by error code:");
      for (const f of summary.failures) lines.push(`  ${f.code}  x${f.count}  ${f.message}`);
    }
    io.err(`${lines.join("\n")}\n`);
  }
  if (ctx.signal.aborted) {
    io.err("interrupted: run the same command again to resume\n");
    return EXIT.interrupted;
  }
  const hasProblems = failed > 0 || unknown > 0 || summary.failures.length > 0;
  return hasProblems ? EXIT.partial : EXIT.ok;
}
