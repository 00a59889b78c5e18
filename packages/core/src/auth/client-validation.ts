// Public-key client validation: each request carries `Twilio-Client-Validation`, a JWT signed with
// the account's RSA key over the canonical request, built as twilio-node's ValidationToken builds it
// (header and claim order included, so tokens are byte-identical for the same request and clock;
// RS256 is deterministic). https://www.twilio.com/docs/iam/pkcv
import { checkClientValidationOptions } from "./check-options.js";
import { canonicalizeRequest, sha256Hex, type CanonicalInput } from "./canonical-request.js";
import { importSigningKey, type ValidationAlgorithm } from "./private-key.js";

/** Options of `clientValidation`: the public key credential registered with Twilio and its private key. */
export interface ClientValidationOptions {
  /** SID of the public key credential (`CR…`) from `POST /v1/Credentials/PublicKeys`. */
  credentialSid: string;
  /** The API key SID (`SK…`) the token is issued by (`iss`). */
  signingKey: string;
  /** The RSA private key: PEM (PKCS#8 or PKCS#1, unencrypted) or a Web Crypto `CryptoKey` able to sign. */
  privateKey: string | CryptoKey;
  /** `RS256` (default, as twilio-node) or `PS256`. */
  algorithm?: ValidationAlgorithm;
}

/** Signs one request; resolves to the `Twilio-Client-Validation` header value. */
export type ClientValidator = (request: CanonicalInput) => Promise<string>;

/** Token lifetime twilio-node uses, in seconds. */
const TTL_SEC = 300;

function base64UrlOfBytes(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlOfJson(value: unknown): string {
  return base64UrlOfBytes(new TextEncoder().encode(JSON.stringify(value)));
}

/**
 * Creates the signer of `Twilio-Client-Validation` headers for one account.
 * @throws TypeError when an option is missing or malformed (the key itself is read on first use).
 */
export function createClientValidator(options: ClientValidationOptions, accountSid: string, now: () => number = Date.now): ClientValidator {
  checkClientValidationOptions(options);
  const { credentialSid, signingKey } = options;
  const algorithm = options.algorithm ?? "RS256";
  // Imported once, on the first request; a bad key rejects that request and every later one.
  let key: Promise<CryptoKey> | undefined;
  const signParams = algorithm === "RS256" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "RSA-PSS", saltLength: 32 };

  return async (request) => {
    key ??= importSigningKey(options.privateKey, algorithm);
    // Awaited first, so a rejected import is always handled by the request that triggered it.
    const cryptoKey = await key;
    const { canonical, hashedHeaders } = await canonicalizeRequest(request);
    const iat = Math.floor(now() / 1000);
    // Key order as jsonwebtoken writes them for twilio-node: its defaults first, then ValidationToken's header.
    const header = { alg: algorithm, typ: "JWT", kid: credentialSid, cty: "twilio-pkrv;v=1" };
    const payload = { iss: signingKey, sub: accountSid, hrh: hashedHeaders, rqh: await sha256Hex(canonical), iat, exp: iat + TTL_SEC };
    const signingInput = `${base64UrlOfJson(header)}.${base64UrlOfJson(payload)}`;
    const signature = await crypto.subtle.sign(signParams, cryptoKey, new TextEncoder().encode(signingInput));
    return `${signingInput}.${base64UrlOfBytes(new Uint8Array(signature))}`;
  };
}
