// One client variant in its own process: N messages.create calls against the server at `url`, at a
// given concurrency. Prints {wallMs, cpuUs} for the timed part (after a warm-up).
import http from "node:http";
import { createRequire } from "node:module";

const [variant, url, totalText, concurrencyText] = process.argv.slice(2);
const total = Number(totalText);
const concurrency = Number(concurrencyText);
const accountSid = `AC${"0".repeat(32)}`;
const authToken = "bench-token";
const form = { To: "+15558675310", From: "+15017122661", Body: "Hello from the benchmark" };

async function makeSend() {
  if (variant === "node-http") {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const target = new URL(`${url}/api/2010-04-01/Accounts/${accountSid}/Messages.json`);
    const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    return () =>
      new Promise((resolve, reject) => {
        const body = new URLSearchParams(form).toString();
        const req = http.request(target, { method: "POST", agent, headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(JSON.parse(text)));
        });
        req.on("error", reject);
        req.end(body);
      });
  }
  if (variant === "fetch") {
    const target = `${url}/api/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const auth = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
    return async () => (await fetch(target, { method: "POST", headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() })).json();
  }
  if (variant === "twilio-kit" || variant === "twilio-kit-root") {
    const { createTwilio } = await import(variant === "twilio-kit" ? "@twilio-kit/core/api-v2010" : "@twilio-kit/core");
    const twilio = createTwilio({ accountSid, authToken, baseUrl: url });
    return () => twilio.messages.create(form);
  }
  if (variant === "twilio") {
    const require = createRequire(import.meta.url);
    const twilio = require("twilio");
    class Rewriting extends twilio.RequestClient {
      request(options) {
        options.uri = options.uri.replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${url}/$1`);
        return super.request(options);
      }
    }
    const client = twilio(accountSid, authToken, { httpClient: new Rewriting({ keepAlive: true }) });
    return () => client.messages.create({ to: form.To, from: form.From, body: form.Body });
  }
  throw new Error(`unknown variant ${variant}`);
}

async function run(send, count) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const send = await makeSend();
await run(send, Math.min(500, total)); // warm-up: JIT, sockets
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
await run(send, total);
const wallMs = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ wallMs, cpuUs: cpu.user + cpu.system }));
process.exit(0);
