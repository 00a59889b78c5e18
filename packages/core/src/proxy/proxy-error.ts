// The proxy itself refused: a CONNECT answered with something other than 2xx, or a 407 to a
// forwarded request. The transport throws it; sendWithRetry turns it into a TwilioConnectionError.

/** A proxy refused to carry the request. The message names the proxy without its credentials. */
export class ProxyRefusedError extends Error {
  /** The proxy's HTTP status (407: authentication required or rejected). */
  readonly status: number;

  constructor(proxy: string, status: number, statusText: string, target: string) {
    const hint =
      status === 407 ? ": check the user and password in the proxy URL (http://user:password@host:port)" : "";
    super(`proxy ${proxy} answered ${status}${statusText ? ` ${statusText}` : ""} for ${target}${hint}`);
    this.name = "ProxyRefusedError";
    this.status = status;
  }

  /** Only a 407 is final: no retry will bring the right credentials. Others (502, 503) may pass. */
  get isRetryable(): boolean {
    return this.status !== 407;
  }
}
