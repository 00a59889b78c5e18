#!/usr/bin/env node
// Quick-start command 1 (after install and build): sends one SMS through @twilio-kit/core to a local
// HTTP server on 127.0.0.1 that answers the way Twilio does, and prints what went over the wire.
import { createServer } from "node:http";
import { createTwilio } from "../packages/core/dist/index.js";

const accountSid = `AC${"0".repeat(31)}1`;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const form = new URLSearchParams(body);
    console.log(`server  <- ${req.method} ${req.url}`);
    console.log(`           ${body}`);
    const sid = `SM${"a".repeat(32)}`;
    res.writeHead(201, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        sid,
        account_sid: accountSid,
        to: form.get("To"),
        from: form.get("From"),
        body: form.get("Body"),
        status: "queued",
        num_segments: "1",
        num_media: "0",
        direction: "outbound-api",
        date_created: new Date().toUTCString().replace("GMT", "+0000"),
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      }),
    );
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${server.address().port}`;

const twilio = createTwilio({ accountSid, authToken: "demo-token", baseUrl });
const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hello from twilio-kit" });
console.log(`client  -> ${message.sid} ${message.status} (${message.num_segments} segment) to ${message.to}`);
server.close();
