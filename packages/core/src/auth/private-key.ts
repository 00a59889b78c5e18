// Imports an RSA private key from PEM for Web Crypto. Web Crypto reads PKCS#8 only, while keys made
// with `openssl genrsa` (OpenSSL 1.x) and many guides are PKCS#1 ("BEGIN RSA PRIVATE KEY"), so a
// PKCS#1 key is wrapped into a PKCS#8 structure first (RFC 5208 §5): no Node crypto needed.

/** Signature algorithms twilio-node's ValidationToken allows. */
export type ValidationAlgorithm = "RS256" | "PS256";

const RSA_ENCRYPTION_ALGORITHM_ID = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/** A DER length: short form below 128, else 0x80|n followed by n big-endian bytes. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function derElement(tag: number, content: Uint8Array | number[]): Uint8Array {
  const header = [tag, ...derLength(content.length)];
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }. */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const octets = derElement(0x04, pkcs1);
  const inner = new Uint8Array(3 + RSA_ENCRYPTION_ALGORITHM_ID.length + octets.length);
  inner.set([0x02, 0x01, 0x00], 0);
  inner.set(RSA_ENCRYPTION_ALGORITHM_ID, 3);
  inner.set(octets, 3 + RSA_ENCRYPTION_ALGORITHM_ID.length);
  return derElement(0x30, inner);
}

function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Reads a PEM private key into PKCS#8 DER.
 * @throws TypeError when it is not an unencrypted RSA private key in PEM.
 */
export function pemToPkcs8(pem: string): Uint8Array {
  const match = /-----BEGIN ((?:RSA |ENCRYPTED )?PRIVATE KEY)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!match) {
    throw new TypeError('[@twilio-kit/core] clientValidation.privateKey must be a PEM RSA private key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")');
  }
  if (match[1] === "ENCRYPTED PRIVATE KEY") {
    throw new TypeError("[@twilio-kit/core] clientValidation.privateKey is encrypted: decrypt it first (openssl pkcs8 -in key.pem -nocrypt)");
  }
  let der: Uint8Array;
  try {
    der = base64Bytes(match[2]!.replace(/\s+/g, ""));
  } catch {
    throw new TypeError("[@twilio-kit/core] clientValidation.privateKey: the PEM body is not valid base64");
  }
  return match[1] === "RSA PRIVATE KEY" ? pkcs1ToPkcs8(der) : der;
}

/**
 * Imports the signing key for RS256 (RSASSA-PKCS1-v1_5) or PS256 (RSA-PSS), both with SHA-256.
 * @throws TypeError when the key cannot be read as an RSA private key.
 */
export async function importSigningKey(privateKey: string | CryptoKey, algorithm: ValidationAlgorithm): Promise<CryptoKey> {
  if (typeof privateKey !== "string") return privateKey;
  const name = algorithm === "RS256" ? "RSASSA-PKCS1-v1_5" : "RSA-PSS";
  const der = pemToPkcs8(privateKey);
  try {
    return await crypto.subtle.importKey("pkcs8", der as Uint8Array<ArrayBuffer>, { name, hash: "SHA-256" }, false, ["sign"]);
  } catch (error) {
    throw new TypeError(`[@twilio-kit/core] clientValidation.privateKey is not a usable RSA private key (${(error as Error).message})`);
  }
}
