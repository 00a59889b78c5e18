/** This package's version, sent in the User-Agent. Replaced at build time from package.json. */
export const VERSION: string = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";
declare const __VERSION__: string | undefined;
