// Twilio's error envelope and the codes the sandbox answers with.

/** The JSON body Twilio sends with every 4xx/5xx: `{ code, message, more_info, status }`. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  detail?: string;
  details?: Record<string, unknown>;
}

/** A request that ends in a Twilio-shaped error response. Thrown by handlers, caught by the server. */
export class SandboxHttpError extends Error {
  readonly status: number;
  readonly code: number;
  readonly detail: string | undefined;
  constructor(status: number, code: number, message: string, detail?: string) {
    super(message);
    this.name = "SandboxHttpError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** The wire body of this error. */
  toBody(): TwilioErrorBody {
    const body: TwilioErrorBody = {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
    if (this.detail) body.detail = this.detail;
    return body;
  }
}

/** Shorthand for a 400 with a Twilio code. */
export function badRequest(code: number, message: string): SandboxHttpError {
  return new SandboxHttpError(400, code, message);
}

/** 404 code 20404 with Twilio's wording. */
export function notFound(path: string): SandboxHttpError {
  return new SandboxHttpError(404, 20404, `The requested resource ${path} was not found`);
}

/** 401 code 20003, the answer to any credential problem (never says which part was wrong). */
export function unauthorized(): SandboxHttpError {
  return new SandboxHttpError(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.");
}

// Codes that have no single Twilio equivalent; documented in the README.
/** Generic invalid parameter (type, pattern, enum, range). */
export const INVALID_PARAMETER = 20001;
/** An operation that exists in Twilio's specs but is not emulated by the sandbox. */
export const NOT_EMULATED = 20501;
