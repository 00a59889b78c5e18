// The official `twilio` client pointed at a sandbox: every *.twilio.com URL goes to the sandbox's
// domain prefix (`https://api.twilio.com/x` → `<sandbox>/api/x`).
import twilio from "twilio";

/** An official client for an account of a running sandbox. */
export function officialClient(sandboxUrl: string, accountSid: string, authToken: string) {
  return twilio(accountSid, authToken, {
    httpClient: {
      request: (opts: any) => new twilio.RequestClient().request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandboxUrl}/$1`) }),
    } as never,
  });
}
