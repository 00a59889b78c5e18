// @twilio-kit/sandbox: a local, stateful, Twilio-compatible API server on SQLite, and `startSandbox()`,
// a test helper in the spirit of mongodb-memory-server.
import type { Twilio } from "@twilio-kit/core";
import type { ClockMode } from "./engine/clock.js";
import type { SandboxEvent } from "./engine/events.js";
import { deliverInboundSms, type InboundSms, type InboundSmsResult } from "./messages/inbound.js";
import { loadMessage, settleMessage } from "./messages/lifecycle.js";
import { wireMessage } from "./messages/message.js";
import { createSandbox, type Sandbox, type SandboxOptions } from "./http/server.js";
import type { TranscriptEntry } from "./voice/call.js";
import { deliverInboundCall, sendDigits, sendSpeech, type InboundCall } from "./voice/inbound.js";
import { transcriptOf } from "./voice/interpreter.js";
import { hangUp } from "./voice/lifecycle.js";
import { latestVerificationCode } from "./verify/codes.js";
import type { WebhookDelivery } from "./outbound/webhook.js";
import { keyColumns } from "./engine/keys.js";

export { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_PHONE_NUMBER, createSandbox } from "./http/server.js";
export { emulatedRoutes } from "./http/registry.js";
export type { Sandbox, SandboxOptions } from "./http/server.js";
export type { ClockMode } from "./engine/clock.js";
export type { Delays } from "./engine/context.js";
export type { SandboxEvent } from "./engine/events.js";
export type { InboundSms, InboundSmsResult } from "./messages/inbound.js";
export type { TranscriptEntry } from "./voice/call.js";
export type { InboundCall } from "./voice/inbound.js";
export type { WebhookDelivery } from "./outbound/webhook.js";
export type { TwilioErrorBody } from "./http/errors.js";

/** Options of the `waitFor…` helpers. */
export interface WaitOptions {
  /** Give up after this many real milliseconds. Default 10 000. */
  timeoutMs?: number;
}

/** A running sandbox, as `startSandbox` returns it. */
export interface SandboxHandle {
  /** What `@twilio-kit/core`'s `baseUrl` takes: `http://127.0.0.1:PORT`. */
  url: string;
  /** The browser console (`${url}/`): phones, webhooks inspector, account and clock. */
  consoleUrl: string;
  /** The default account and its number. */
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  /** The underlying sandbox (store, clock, events), for advanced use. */
  sandbox: Sandbox;
  /** A `@twilio-kit/core` client for the default account (needs the optional peer `@twilio-kit/core`). */
  client(): Promise<Twilio>;
  /** Moves the virtual clock, running every status change and TwiML step that falls due (and their webhooks). */
  advance(ms: number): Promise<void>;
  /** Delivers an SMS/MMS to an owned number; resolves after its webhook and reply ran. */
  inboundSms(message: InboundSms): Promise<InboundSmsResult>;
  /** Rings an owned number; resolves after the first TwiML document ran. */
  inboundCall(call: InboundCall): Promise<Record<string, unknown>>;
  /** Presses keys on a call. */
  sendDigits(callSid: string, digits: string): Promise<void>;
  /** Says something to a `<Gather input="speech">`. */
  sendSpeech(callSid: string, speech: string): Promise<void>;
  /** Hangs up a call from the caller's side. */
  hangUp(callSid: string): Promise<void>;
  /** What the caller of a call heard, pressed and said. */
  transcript(callSid: string): TranscriptEntry[];
  /** Logged webhook deliveries, oldest first, optionally of one resource SID. */
  webhooks(sid?: string): WebhookDelivery[];
  /** The code of the newest Verify verification sent to `to` (optionally in one service), or undefined; Verify's API never returns it. */
  verificationCode(to: string, serviceSid?: string): string | undefined;
  /** Subscribes to every sandbox event; returns the unsubscribe function. */
  onEvent(listener: (event: SandboxEvent) => void): () => void;
  /** Resolves with the first event (already happened or future) the predicate accepts. */
  waitForEvent(predicate: (event: SandboxEvent) => boolean, options?: WaitOptions): Promise<SandboxEvent>;
  /** Resolves when a message reaches a status (checks the stored status first). */
  waitForMessageStatus(messageSid: string, status: string, options?: WaitOptions): Promise<void>;
  /** Resolves with the first message created after the call (or already stored) that matches. */
  waitForMessage(filter: { to?: string; from?: string; direction?: string }, options?: WaitOptions): Promise<Record<string, unknown>>;
  /** Resolves when a call reaches a status. */
  waitForCallStatus(callSid: string, status: string, options?: WaitOptions): Promise<void>;
  /** Resolves with the first webhook delivery (logged or future) that matches. */
  waitForWebhook(filter: { kind?: string; sid?: string; url?: string }, options?: WaitOptions): Promise<WebhookDelivery>;
  /** Drops all data and re-creates the default account and number. */
  reset(): void;
  /** Stops the server and closes the database. */
  stop(): Promise<void>;
}

/** Options of `startSandbox`: the server's options; port 0 (a free port) and `:memory:` by default. */
export interface StartSandboxOptions extends SandboxOptions {
  clock?: ClockMode;
}

function timeoutError(what: string, timeoutMs: number, clock: ClockMode): Error {
  const hint = clock === "manual" ? " (the clock is manual: call advance(ms) to move statuses)" : "";
  return new Error(`[@twilio-kit/sandbox] timed out after ${timeoutMs} ms waiting for ${what}${hint}`);
}

/** Resolves with what `check` finds now, or else with the first event `matches` accepts. */
type WaitFor = <T>(what: string, check: () => T | undefined, matches: (event: SandboxEvent) => T | undefined, options?: WaitOptions) => Promise<T>;

/**
 * The waiting primitive of the handle's `waitFor…` helpers.
 * @throws Error (rejects) after `timeoutMs` real milliseconds, with a hint when the clock is manual
 */
function createWaitFor({ events, clock }: Sandbox): WaitFor {
  return <T>(what: string, check: () => T | undefined, matches: (event: SandboxEvent) => T | undefined, options: WaitOptions = {}): Promise<T> => {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const already = check();
    if (already !== undefined) return Promise.resolve(already);
    return new Promise<T>((resolve, reject) => {
      const off = events.on((event) => {
        const value = matches(event);
        if (value === undefined) return;
        clearTimeout(timer);
        off();
        resolve(value);
      });
      const timer = setTimeout(() => {
        off();
        reject(timeoutError(what, timeoutMs, clock.mode));
      }, timeoutMs);
    });
  };
}

/** The handle's `waitFor…` helpers: each checks the stored state first, then waits for the event. */
function waitHelpers(sandbox: Sandbox, waitFor: WaitFor): Pick<SandboxHandle, "waitForEvent" | "waitForMessageStatus" | "waitForMessage" | "waitForCallStatus" | "waitForWebhook"> {
  const { ctx, store } = sandbox;
  return {
    waitForEvent(predicate, options) {
      return waitFor("an event", () => undefined, (event) => (predicate(event) ? event : undefined), options);
    },
    async waitForMessageStatus(messageSid, status, options) {
      await waitFor(
        `message ${messageSid} to be ${status}`,
        () => (loadMessage(ctx, messageSid)?.status === status ? true : undefined),
        (event) => (event.type === "message.status" && event.sid === messageSid && event.status === status ? true : undefined),
        options,
      );
    },
    waitForMessage(filter, options) {
      const fits = (doc: Record<string, unknown>) =>
        (filter.to === undefined || doc.to === filter.to) && (filter.from === undefined || doc.from === filter.from) && (filter.direction === undefined || doc.direction === filter.direction);
      return waitFor(
        `a message matching ${JSON.stringify(filter)}`,
        () => store.list("message", { ...keyColumns("message", { to: filter.to, from: filter.from }), order: "desc", limit: 200 }).map((row) => settleMessage(ctx, row.doc)).find(fits),
        (event) => {
          if (event.type !== "message.created") return undefined;
          const doc = loadMessage(ctx, event.sid as string);
          return doc && fits(doc) ? doc : undefined;
        },
        options,
      ).then(wireMessage);
    },
    async waitForCallStatus(callSid, status, options) {
      await waitFor(
        `call ${callSid} to be ${status}`,
        () => (store.get("call", callSid)?.status === status ? true : undefined),
        (event) => (event.type === "call.status" && event.sid === callSid && event.status === status ? true : undefined),
        options,
      );
    },
    waitForWebhook(filter, options) {
      const fits = (delivery: WebhookDelivery) =>
        (filter.kind === undefined || delivery.kind === filter.kind) && (filter.sid === undefined || delivery.ref === filter.sid) && (filter.url === undefined || delivery.url.startsWith(filter.url));
      return waitFor(
        `a webhook matching ${JSON.stringify(filter)}`,
        () => (store.deliveries({ ref: filter.sid, limit: 10_000 }) as WebhookDelivery[]).find(fits),
        (event) => (event.type === "webhook" && fits(event.delivery as WebhookDelivery) ? (event.delivery as WebhookDelivery) : undefined),
        options,
      );
    },
  };
}

/**
 * Starts a sandbox on 127.0.0.1 (a free port unless `port` is given) with an in-memory database.
 * @example
 * const sandbox = await startSandbox({ clock: "manual" });
 * const twilio = await sandbox.client();
 * const message = await twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+15558675310", From: sandbox.phoneNumber, Body: "Hi" });
 * await sandbox.advance(5_000);
 * await sandbox.stop();
 * @throws TypeError for an invalid `accountSid` option; whatever `listen` throws (e.g. EADDRINUSE)
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<SandboxHandle> {
  const sandbox = createSandbox({ port: 0, ...options });
  const url = await sandbox.listen();
  const { ctx, defaults, store, events, clock } = sandbox;

  const waitFor = createWaitFor(sandbox);

  const handle: SandboxHandle = {
    url,
    consoleUrl: `${url}/`,
    accountSid: defaults.accountSid,
    authToken: defaults.authToken,
    phoneNumber: defaults.phoneNumber,
    sandbox,
    async client() {
      let core: typeof import("@twilio-kit/core");
      try {
        core = await import("@twilio-kit/core");
      } catch {
        throw new TypeError("[@twilio-kit/sandbox] client() needs @twilio-kit/core: install it next to @twilio-kit/sandbox");
      }
      return core.createTwilio({ accountSid: defaults.accountSid, authToken: defaults.authToken, baseUrl: url });
    },
    advance: (ms) => clock.advance(ms),
    inboundSms: (message) => deliverInboundSms(ctx, message),
    inboundCall: (call) => deliverInboundCall(ctx, call),
    sendDigits: (callSid, digits) => sendDigits(ctx, callSid, digits),
    sendSpeech: (callSid, speech) => sendSpeech(ctx, callSid, speech),
    hangUp: (callSid) => hangUp(ctx, callSid),
    transcript: (callSid) => transcriptOf(ctx, callSid).transcript,
    webhooks: (sid) => store.deliveries({ ref: sid, limit: 10_000 }) as WebhookDelivery[],
    verificationCode: (to, serviceSid) => latestVerificationCode(ctx, to, serviceSid),
    onEvent: (listener) => events.on(listener),
    ...waitHelpers(sandbox, waitFor),
    reset: () => sandbox.reset(),
    stop: () => sandbox.close(),
  };
  return handle;
}
