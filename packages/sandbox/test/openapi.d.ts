// Types of the workspace's spec loader (plain .mjs), as the tests use it.
declare module "@twilio-kit/openapi/load" {
  export function loadSpec(name: string): Record<string, unknown>;
}
