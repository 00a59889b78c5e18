// Shared setup of the Conversations tests: one sandbox on a manual clock, reset before each test, and
// calls that assert the status and check the body against the official conversations_v1 schema.
import twilio from "twilio";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api } from "./helpers.js";
import { schemaProblems } from "./schema.js";

export const SPEC = "conversations_v1";
export const HANDSET = "+15558675310";
export const WEBHOOKS_ON = { "X-Twilio-Webhook-Enabled": "true" };
export type Form = Record<string, string | string[]>;

/** Registers the suite's hooks; the returned calls use the suite's sandbox. */
export function conversationsKit() {
  const kit = { sandbox: undefined as unknown as SandboxHandle };
  beforeAll(async () => {
    kit.sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 5, 1, 12) });
  });
  afterAll(() => kit.sandbox.stop());
  beforeEach(() => kit.sandbox.reset());

  const call = (method: string, path: string, form?: Form, headers?: Record<string, string>) =>
    api(kit.sandbox.url, method, `/conversations${path}`, { user: kit.sandbox.accountSid, password: kit.sandbox.authToken, form, headers });
  /** Calls, asserts the status and, for a body, the official schema of `specPath`. */
  const ok = async (method: string, specPath: string, path: string, status: number, form?: Form, headers?: Record<string, string>) => {
    const response = await call(method, path, form, headers);
    expect(response.body?.message ?? "", `${method} ${path}`).toBe("");
    expect(response.status).toBe(status);
    if (response.body !== undefined) expect(schemaProblems(SPEC, specPath, method, response.body)).toEqual([]);
    return response.body;
  };
  const addParticipant = (conversationSid: string, form: Form, headers?: Record<string, string>) =>
    ok("POST", "/v1/Conversations/{ConversationSid}/Participants", `/v1/Conversations/${conversationSid}/Participants`, 201, form, headers);
  return {
    kit,
    call,
    ok,
    addParticipant,
    createConversation: (form: Form = {}, headers?: Record<string, string>) => ok("POST", "/v1/Conversations", "/v1/Conversations", 201, form, headers),
    addMessage: (conversationSid: string, form: Form, headers?: Record<string, string>) =>
      ok("POST", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversationSid}/Messages`, 201, form, headers),
    smsParticipant: (conversationSid: string, address = HANDSET) =>
      addParticipant(conversationSid, { "MessagingBinding.Address": address, "MessagingBinding.ProxyAddress": kit.sandbox.phoneNumber }),
    /** The official twilio client, its https://{domain}.twilio.com requests sent to the sandbox. */
    officialClient() {
      const inner = new twilio.RequestClient();
      const httpClient = {
        request: (opts: any) => inner.request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${kit.sandbox.url}/$1`) }),
      };
      return twilio(kit.sandbox.accountSid, kit.sandbox.authToken, { httpClient: httpClient as never });
    },
  };
}
