import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { accountApi, startReceiver, type Received } from "./helpers.js";
import { officialClient } from "./official-client.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
let client: ReturnType<typeof officialClient>;
const Q = "/2010-04-01/Accounts/{AccountSid}/Queues";
const raw = (method: string, path: string, form?: Record<string, string>) => accountApi(sandbox)(method, path, form);

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  client = officialClient(sandbox.url, sandbox.accountSid, sandbox.authToken);
});
afterEach(() => sandbox.stop());

/** Points the default number's VoiceUrl at a receiver path. */
async function answerWith(url: string): Promise<void> {
  const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: sandbox.phoneNumber });
  await client.incomingPhoneNumbers(number!.sid).update({ voiceUrl: url });
}

const paths = (received: Received[]) => received.map((request) => request.path);
const lines = (callSid: string) => sandbox.transcript(callSid).map((entry) => [entry.verb, entry.text ?? entry.url ?? entry.to ?? "", entry.status ?? entry.note ?? ""].join(" ").trim());

describe("Queues and Members through the official client", () => {
  it("creates, lists, fetches, updates and deletes a queue with schema-exact answers", async () => {
    const queue = await client.queues.create({ friendlyName: "support", maxSize: 10 });
    expect(queue.sid).toMatch(/^QU[0-9a-f]{32}$/);
    expect(queue).toMatchObject({ friendlyName: "support", maxSize: 10, currentSize: 0, averageWaitTime: 0 });
    expect((await client.queues.list()).map((item) => item.sid)).toEqual([queue.sid]);
    expect((await client.queues(queue.sid).update({ maxSize: 20, friendlyName: "help" }))).toMatchObject({ maxSize: 20, friendlyName: "help" });
    expect((await client.queues(queue.sid).fetch()).friendlyName).toBe("help");
    expect(await client.queues(queue.sid).members.list()).toEqual([]);
    await expect(client.queues(queue.sid).members("Front").fetch()).rejects.toMatchObject({ status: 404 });
    const checked = await raw("POST", "/Queues.json", { FriendlyName: "checked" });
    expect(schemaProblems("api_v2010", `${Q}.json`, "POST", checked.body)).toEqual([]);
    expect(schemaProblems("api_v2010", `${Q}.json`, "GET", (await raw("GET", "/Queues.json")).body)).toEqual([]);
    expect(schemaProblems("api_v2010", `${Q}/{Sid}.json`, "GET", (await raw("GET", `/Queues/${queue.sid}.json`)).body)).toEqual([]);
    expect(schemaProblems("api_v2010", `${Q}/{Sid}.json`, "POST", (await raw("POST", `/Queues/${queue.sid}.json`, { MaxSize: "5" })).body)).toEqual([]);
    expect(await client.queues(queue.sid).remove()).toBe(true);
    await expect(client.queues(queue.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("refuses a MaxSize outside 1..5000 and an empty FriendlyName", async () => {
    await expect(client.queues.create({ friendlyName: "big", maxSize: 5001 })).rejects.toMatchObject({ status: 400 });
    await expect(client.queues.create({ friendlyName: "none", maxSize: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(raw("POST", "/Queues.json", { FriendlyName: " " })).resolves.toMatchObject({ status: 400 });
    expect(await client.queues.list()).toEqual([]);
  });
});

describe("a caller queued and dequeued by an agent", () => {
  it("loops the wait TwiML, then an agent's <Dial><Queue> bridges the caller at the front after playing the url TwiML", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue waitUrl="/wait" action="/after">support</Enqueue></Response>' };
      if (request.path === "/wait") return { body: "<Response><Say>Please hold</Say><Play>https://example.com/music.mp3</Play></Response>" };
      if (request.path === "/whisper") return { body: "<Response><Say>Connecting you now</Say></Response>" };
      if (request.path === "/after") return { body: "<Response><Say>Thanks for waiting</Say></Response>" };
      return {};
    });
    try {
      await answerWith(`${receiver.url}/incoming`);
      const caller = await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber });
      const callerSid = String(caller.sid);
      await sandbox.advance(20_000);
      // each pass (1 s of speech, 5 s of music) ends and the wait URL is fetched again
      const waits = receiver.received.filter((request) => request.path === "/wait");
      expect(waits.length).toBeGreaterThanOrEqual(3);
      expect(waits[0]!.params).toMatchObject({ CallSid: callerSid, QueuePosition: "1", CurrentQueueSize: "1", QueueTime: "0", MaxQueueSize: "1000" });
      expect(Number(waits.at(-1)!.params.QueueTime)).toBeGreaterThanOrEqual(12);
      const [queue] = await client.queues.list();
      expect(queue).toMatchObject({ friendlyName: "support", currentSize: 1 });
      expect(queue!.averageWaitTime).toBeGreaterThanOrEqual(20);
      const members = await client.queues(queue!.sid).members.list();
      expect(members.map((member) => [member.callSid, member.position])).toEqual([[callerSid, 1]]);
      expect((await client.queues(queue!.sid).members("Front").fetch()).callSid).toBe(callerSid);
      const memberBody = (await raw("GET", `/Queues/${queue!.sid}/Members/${callerSid}.json`)).body;
      expect(schemaProblems("api_v2010", `${Q}/{QueueSid}/Members/{CallSid}.json`, "GET", memberBody)).toEqual([]);
      expect(schemaProblems("api_v2010", `${Q}/{QueueSid}/Members.json`, "GET", (await raw("GET", `/Queues/${queue!.sid}/Members.json`)).body)).toEqual([]);

      const agent = await client.calls.create({
        to: "+15551230000",
        from: sandbox.phoneNumber,
        twiml: `<Response><Dial action="${receiver.url}/agent-done"><Queue url="${receiver.url}/whisper">support</Queue></Dial></Response>`,
      });
      await sandbox.advance(10_000);
      const whisper = receiver.received.find((request) => request.path === "/whisper")!;
      expect(whisper.params).toMatchObject({ CallSid: callerSid, QueueSid: queue!.sid, DequeingCallSid: agent.sid });
      expect(await client.queues(queue!.sid).members.list()).toEqual([]);
      expect((await client.queues(queue!.sid).fetch()).currentSize).toBe(0);
      expect(lines(callerSid)).toContain("Say Connecting you now");
      expect(lines(callerSid)).toContain(`Enqueue support bridged`);
      expect(lines(agent.sid).some((line) => line.startsWith("Dial queue:support bridged"))).toBe(true);
      const waitsWhenBridged = receiver.received.filter((request) => request.path === "/wait").length;
      await sandbox.advance(30_000);
      // bridged: no more wait music, both calls still up
      expect(receiver.received.filter((request) => request.path === "/wait")).toHaveLength(waitsWhenBridged);
      expect((await client.calls(callerSid).fetch()).status).toBe("in-progress");
      expect((await client.calls(agent.sid).fetch()).status).toBe("in-progress");

      await sandbox.hangUp(callerSid);
      const after = receiver.received.find((request) => request.path === "/after")!;
      expect(after.params).toMatchObject({ QueueResult: "bridged", QueueSid: queue!.sid, CallSid: callerSid });
      const done = receiver.received.find((request) => request.path === "/agent-done")!;
      const bridgedAt = sandbox.transcript(agent.sid).find((entry) => entry.status === "bridged")!.at;
      const talkSec = String(Math.round((Date.UTC(2025, 0, 15, 12) + 60_000 - bridgedAt) / 1000));
      expect(done.params).toMatchObject({ DialCallStatus: "completed", DialCallSid: callerSid, QueueSid: queue!.sid, DialCallDuration: talkSec });
      await sandbox.advance(10_000);
      expect((await client.calls(agent.sid).fetch()).status).toBe("completed");
    } finally {
      await receiver.close();
    }
  });

  it("lets the caller continue with its action TwiML when the agent hangs up", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue action="/after">sales</Enqueue></Response>' };
      if (request.path === "/after") return { body: "<Response><Say>The agent left</Say></Response>" };
      return {};
    });
    try {
      await answerWith(`${receiver.url}/incoming`);
      const callerSid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      await sandbox.advance(40_000);
      // no waitUrl: Twilio's default music plays, looped
      expect(lines(callerSid).filter((line) => line.includes("BusyStrings")).length).toBeGreaterThanOrEqual(2);
      const agent = await client.calls.create({ to: "+15551230000", from: sandbox.phoneNumber, twiml: "<Response><Dial><Queue>sales</Queue></Dial><Say>Next caller please</Say></Response>" });
      await sandbox.advance(5_000);
      await sandbox.hangUp(agent.sid);
      expect(receiver.received.find((request) => request.path === "/after")!.params.QueueResult).toBe("bridged");
      await sandbox.advance(10_000);
      expect(lines(callerSid)).toContain("Say The agent left");
      expect((await client.calls(callerSid).fetch()).status).toBe("completed");
    } finally {
      await receiver.close();
    }
  });

  it("ends the bridge after the agent's Dial timeLimit: both calls go on", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue action="/after">brief</Enqueue></Response>' };
      if (request.path === "/after") return { body: "<Response><Say>Call us again</Say></Response>" };
      return {};
    });
    try {
      await answerWith(`${receiver.url}/incoming`);
      const callerSid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      const agent = await client.calls.create({ to: "+15551230000", from: sandbox.phoneNumber, twiml: '<Response><Dial timeLimit="20"><Queue>brief</Queue></Dial><Say>Limit reached</Say></Response>' });
      await sandbox.advance(10_000);
      expect(lines(callerSid)).toContain("Enqueue brief bridged");
      await sandbox.advance(30_000);
      expect(receiver.received.find((request) => request.path === "/after")!.params.QueueResult).toBe("bridged");
      expect(lines(callerSid)).toContain("Say Call us again");
      expect(lines(agent.sid)).toContain("Say Limit reached");
      const bridged = sandbox.transcript(agent.sid).find((entry) => entry.status === "bridged")!.at;
      const ended = sandbox.transcript(agent.sid).find((entry) => entry.status === "completed" && entry.verb === "Dial")!.at;
      expect(ended - bridged).toBe(20_000);
    } finally {
      await receiver.close();
    }
  });

  it("makes an agent on an empty queue wait for the next caller, and times out with no-answer", async () => {
    const receiver = await startReceiver((request) => (request.path === "/incoming" ? { body: "<Response><Enqueue>line</Enqueue></Response>" } : {}));
    try {
      await client.queues.create({ friendlyName: "line" });
      await answerWith(`${receiver.url}/incoming`);
      const waiting = await client.calls.create({ to: "+15551230000", from: sandbox.phoneNumber, twiml: `<Response><Dial timeout="60" action="${receiver.url}/agent-done"><Queue>line</Queue></Dial></Response>` });
      await sandbox.advance(10_000);
      const callerSid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      expect(lines(callerSid)).toContain("Enqueue line bridged");
      expect(lines(waiting.sid).some((line) => line.startsWith("Dial queue:line bridged"))).toBe(true);

      const lonely = await client.calls.create({ to: "+15551230001", from: sandbox.phoneNumber, twiml: `<Response><Dial timeout="5" action="${receiver.url}/lonely-done"><Queue>line</Queue></Dial></Response>` });
      await sandbox.advance(20_000);
      expect(receiver.received.find((request) => request.path === "/lonely-done")!.params).toMatchObject({ CallSid: lonely.sid, DialCallStatus: "no-answer" });
      const missing = await client.calls.create({ to: "+15551230002", from: sandbox.phoneNumber, twiml: `<Response><Dial action="${receiver.url}/missing-done"><Queue>nobody</Queue></Dial></Response>` });
      await sandbox.advance(5_000);
      expect(receiver.received.find((request) => request.path === "/missing-done")!.params).toMatchObject({ CallSid: missing.sid, DialCallStatus: "failed" });
    } finally {
      await receiver.close();
    }
  });
});

describe("leaving a queue", () => {
  it("sends QueueResult=leave when the wait TwiML says <Leave>, and queue-full past maxQueueSize", async () => {
    let waitCount = 0;
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue waitUrl="/wait" action="/after" maxQueueSize="1">small</Enqueue></Response>' };
      if (request.path === "/wait") return { body: ++waitCount >= 2 && request.params.CallSid === first ? "<Response><Leave/></Response>" : "<Response><Pause length=\"4\"/></Response>" };
      if (request.path === "/after") return { body: `<Response><Say>Result ${request.params.QueueResult}</Say></Response>` };
      return {};
    });
    let first = "";
    try {
      await answerWith(`${receiver.url}/incoming`);
      first = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      const second = String((await sandbox.inboundCall({ from: "+15558675311", to: sandbox.phoneNumber })).sid);
      expect(receiver.received.filter((request) => request.path === "/after").map((request) => [request.params.CallSid, request.params.QueueResult])).toEqual([[second, "queue-full"]]);
      expect(lines(second)).toContain("Enqueue small queue full");
      await sandbox.advance(10_000);
      const leave = receiver.received.filter((request) => request.path === "/after" && request.params.CallSid === first);
      expect(leave.map((request) => request.params.QueueResult)).toEqual(["leave"]);
      expect(lines(first)).toContain("Leave small");
      expect(lines(first)).toContain("Say Result leave");
      const [queue] = await client.queues.list();
      expect(queue!.currentSize).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it("dequeues a member into the TwiML at Url through a Member update, with QueueResult=redirected to its action", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue action="/after">desk</Enqueue><Say>never heard</Say></Response>' };
      if (request.path === "/elsewhere") return { body: "<Response><Say>You were moved</Say></Response>" };
      return {};
    });
    try {
      await answerWith(`${receiver.url}/incoming`);
      const callerSid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      const [queue] = await client.queues.list();
      const member = await client.queues(queue!.sid).members("Front").update({ url: `${receiver.url}/elsewhere`, method: "GET" });
      expect(member.callSid).toBe(callerSid);
      // the API answers at once; the caller's new document runs in the background
      const moved = await vi.waitFor(() => {
        const found = receiver.received.find((request) => request.path === "/elsewhere");
        if (!found) throw new Error("/elsewhere not fetched yet");
        return found;
      });
      await sandbox.advance(5_000);
      expect(receiver.received.find((request) => request.path === "/after")!.params.QueueResult).toBe("redirected");
      expect(moved.method).toBe("GET");
      expect(lines(callerSid)).toContain("Say You were moved");
      expect(lines(callerSid)).not.toContain("Say never heard");
      expect((await client.queues(queue!.sid).fetch()).currentSize).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it("takes a caller redirected through a Calls update out of the queue (QueueResult=redirected), and a redirected agent frees its caller", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/incoming") return { body: '<Response><Enqueue action="/after">desk</Enqueue></Response>' };
      if (request.path === "/after") return { body: `<Response><Say>After ${request.params.QueueResult}</Say></Response>` };
      if (request.path === "/moved") return { body: "<Response><Say>Moved on</Say></Response>" };
      return {};
    });
    try {
      await answerWith(`${receiver.url}/incoming`);
      const a = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      const b = String((await sandbox.inboundCall({ from: "+15558675311", to: sandbox.phoneNumber })).sid);
      await client.calls(a).update({ url: `${receiver.url}/moved` });
      await vi.waitFor(() => expect(lines(a)).toContain("Say Moved on"));
      expect(receiver.received.find((request) => request.path === "/after" && request.params.CallSid === a)!.params.QueueResult).toBe("redirected");
      const [queue] = await client.queues.list();
      expect((await client.queues(queue!.sid).members.list()).map((member) => member.callSid)).toEqual([b]);
      const agent = await client.calls.create({ to: "+15551230000", from: sandbox.phoneNumber, twiml: "<Response><Dial><Queue>desk</Queue></Dial></Response>" });
      await sandbox.advance(5_000);
      expect(lines(b)).toContain("Enqueue desk bridged");
      await client.calls(agent.sid).update({ url: `${receiver.url}/moved` });
      await vi.waitFor(() => expect(lines(b)).toContain("Say After bridged"));
      await vi.waitFor(() => expect(lines(agent.sid)).toContain("Say Moved on"));
    } finally {
      await receiver.close();
    }
  });

  it("takes a caller who hangs up out of the queue and tells the action QueueResult=hangup; a queue with members cannot be deleted", async () => {
    const receiver = await startReceiver((request) => (request.path === "/incoming" ? { body: '<Response><Enqueue action="/after">desk</Enqueue></Response>' } : {}));
    try {
      await answerWith(`${receiver.url}/incoming`);
      const a = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
      const b = String((await sandbox.inboundCall({ from: "+15558675311", to: sandbox.phoneNumber })).sid);
      const [queue] = await client.queues.list();
      expect((await client.queues(queue!.sid).members.list()).map((member) => [member.callSid, member.position])).toEqual([[a, 1], [b, 2]]);
      await expect(client.queues(queue!.sid).remove()).rejects.toMatchObject({ status: 400 });
      await sandbox.hangUp(a);
      expect(receiver.received.find((request) => request.path === "/after")!.params).toMatchObject({ CallSid: a, QueueResult: "hangup" });
      expect((await client.queues(queue!.sid).members.list()).map((member) => [member.callSid, member.position])).toEqual([[b, 1]]);
      await sandbox.hangUp(b);
      expect(await client.queues(queue!.sid).remove()).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
