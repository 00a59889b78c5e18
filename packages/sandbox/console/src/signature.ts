// Checks a delivery's X-Twilio-Signature in the browser, the way an app would: HMAC-SHA1 over the
// URL followed by the POST params sorted by name (name + value), base64, keyed by the auth token.

/** The signature Twilio would send for this URL and params. */
export async function expectedSignature(authToken: string, url: string, params: Record<string, string>): Promise<string> {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}
