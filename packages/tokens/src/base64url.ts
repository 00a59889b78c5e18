// base64url without padding (RFC 7515 §2), over btoa/atob so it runs on every runtime.

/** One UTF-8 encoder for the package. */
export const encoder = new TextEncoder();

/** base64url of the bytes. */
export function encodeBytes(bytes: Uint8Array): string {
  let binary = "";
  // One char at a time: spreading a large array into String.fromCharCode overflows the stack.
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=/g, "").replace(/[+/]/g, (char) => (char === "+" ? "-" : "_"));
}

/** base64url of the UTF-8 bytes of a string. */
export function encodeText(text: string): string {
  return encodeBytes(encoder.encode(text));
}

/** The bytes of a base64url string, or undefined when it is not canonical unpadded base64url. */
export function decodeBytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
