// Errors twk raises on purpose carry their exit code; everything else is mapped here, once.
import { EXIT, type ExitCode } from "./exit-codes.js";

/** An error with a message meant for people and the exit code it maps to. */
export class CliError extends Error {
  /** The exit code this error maps to. */
  readonly exitCode: ExitCode;
  /** A next step, printed under the message (`did you mean …?`). */
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCode, hint?: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A usage error (exit 2). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT.usage, hint);
}

/** What an error looks like in `-o json` error output. */
export interface ErrorReport {
  kind: "usage" | "auth" | "api" | "network" | "internal" | "interrupted" | "partial" | "mismatch";
  exit_code: ExitCode;
  message: string;
  hint?: string;
  status?: number;
  code?: number;
  more_info?: string;
  details?: unknown;
}

interface ApiErrorLike {
  name: string;
  message: string;
  status: number;
  code?: number;
  moreInfo?: string;
  details?: unknown;
}

function isApiError(error: unknown): error is ApiErrorLike {
  return error instanceof Error && typeof (error as { status?: unknown }).status === "number" && "moreInfo" in error;
}

/** Maps anything thrown to a report with its exit code. */
export function toReport(error: unknown): ErrorReport {
  if (error instanceof CliError) {
    const kind = (Object.keys(EXIT) as (keyof typeof EXIT)[]).find((k) => EXIT[k] === error.exitCode) ?? "internal";
    const report: ErrorReport = { kind: kind === "ok" ? "internal" : kind, exit_code: error.exitCode, message: error.message };
    if (error.hint) report.hint = error.hint;
    return report;
  }
  if (isApiError(error)) {
    const isAuth = error.status === 401 || error.status === 403;
    const report: ErrorReport = {
      kind: isAuth ? "auth" : "api",
      exit_code: isAuth ? EXIT.auth : EXIT.api,
      message: error.message,
      status: error.status,
    };
    if (error.code !== undefined) report.code = error.code;
    if (error.moreInfo) report.more_info = error.moreInfo;
    if (error.details) report.details = error.details;
    return report;
  }
  if (error instanceof Error && error.name === "TwilioConnectionError") {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error && !error.message.includes(cause.message) ? ` (${cause.message})` : "";
    return { kind: "network", exit_code: EXIT.network, message: `${error.message}${detail}` };
  }
  if (error instanceof Error && error.name === "AbortError") {
    return { kind: "interrupted", exit_code: EXIT.interrupted, message: "interrupted" };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { kind: "internal", exit_code: EXIT.internal, message };
}

/** Formats a report for a terminal or a log (stderr). */
export function formatReport(report: ErrorReport): string {
  const lines: string[] = [];
  if ((report.kind === "api" || report.kind === "auth") && report.status !== undefined) {
    const code = report.code !== undefined ? `Twilio error ${report.code}` : "Twilio error";
    lines.push(`twk: ${code} (HTTP ${report.status}): ${report.message}`);
    if (report.more_info) lines.push(`  more info: ${report.more_info}`);
  } else {
    lines.push(`twk: ${report.kind === "internal" ? "internal error: " : ""}${report.message}`);
  }
  if (report.hint) lines.push(`  ${report.hint}`);
  return `${lines.join("\n")}\n`;
}
