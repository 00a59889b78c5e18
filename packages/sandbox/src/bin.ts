// `twilio-kit-sandbox`: starts the sandbox from a shell, with a SQLite file so data survives restarts.
import { parseArgs } from "node:util";
import { isLoopbackHost } from "./http/guards.js";
import { createSandbox } from "./http/server.js";

const USAGE = `Usage: twilio-kit-sandbox [options]

  --port <n>              listen port (default 4010; 0 picks a free one)
  --host <addr>           listen address (default 127.0.0.1; any other than loopback exposes the
                          control API and the auth token to the network: a warning is printed)
  --db <file>             SQLite file (default .twilio-sandbox.db; ":memory:" for none)
  --clock <real|manual>   real: statuses move on their own (default); manual: POST /_sandbox/clock/advance
  --public-base-url <url> sign webhooks for this origin (apps behind a tunnel or proxy)
  --seed <text>           reproducible SIDs
  --json                  print one JSON line with URL and credentials, nothing else
  -h, --help              this text
`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "4010" },
        host: { type: "string", default: "127.0.0.1" },
        db: { type: "string", default: ".twilio-sandbox.db" },
        clock: { type: "string", default: "real" },
        "public-base-url": { type: "string" },
        seed: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer in [0, 65535]\n`);
    process.exit(2);
  }
  if (values.clock !== "real" && values.clock !== "manual") {
    process.stderr.write(`--clock must be real or manual\n`);
    process.exit(2);
  }
  if (!isLoopbackHost(values.host)) {
    // the control API has no authentication and hands out the auth token: say so before listening
    process.stderr.write(
      `twilio-kit-sandbox: warning: listening on ${values.host}, not on loopback. Anyone who can reach this address can read the auth token from /_sandbox/info, reset the data and send inbound messages and calls to your app. Use --host 127.0.0.1 unless you mean it.\n`,
    );
  }
  const started = performance.now();
  const sandbox = createSandbox({
    db: values.db,
    clock: values.clock,
    publicBaseUrl: values["public-base-url"],
    seed: values.seed,
  });
  const url = await sandbox.listen(port, values.host);
  const startMs = Math.round(performance.now() - started);
  const { accountSid, authToken, phoneNumber } = sandbox.defaults;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url, accountSid, authToken, phoneNumber, consoleUrl: `${url}/`, controlUrl: `${url}/_sandbox`, db: values.db, clock: values.clock, startMs })}\n`);
  } else {
    process.stdout.write(
      [
        `Twilio sandbox listening on ${url} (started in ${startMs} ms)`,
        ``,
        `  Account SID   ${accountSid}`,
        `  Auth token    ${authToken}`,
        `  Phone number  ${phoneNumber}  (SMS, MMS, voice)`,
        `  Database      ${values.db}`,
        `  Clock         ${values.clock}`,
        `  Console       ${url}/  (phones, webhooks inspector, clock: open it in a browser)`,
        `  Control API   ${url}/_sandbox/`,
        ``,
        `  TWILIO_ACCOUNT_SID=${accountSid} TWILIO_AUTH_TOKEN=${authToken} TWILIO_BASE_URL=${url}`,
        ``,
      ].join("\n"),
    );
  }
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`twilio-kit-sandbox: ${(error as Error).message}\n`);
  process.exit(1);
});
