// The `twk` bin. CommonJS on purpose: Node starts a CommonJS entry about 10 ms sooner than an ES
// module one (the ESM loader is not set up), which is most of the budget of `twk --version` and
// `twk --help` (≤ 1.5× `node -e 0`). Both print a constant inlined at build time (tsup.config.ts);
// everything else imports the ESM main, which loads only the command it runs.
declare const __VERSION__: string;
declare const __TOP_HELP__: string;

const HELP: string = __TOP_HELP__;
const argv = process.argv.slice(2);
const [first] = argv;
if (first === "--version" || first === "-V") {
  process.stdout.write(`${__VERSION__}\n`);
} else if (argv.length === 1 && (first === "--help" || first === "-h" || first === "help")) {
  process.stdout.write(HELP);
} else if (argv.length === 0) {
  // No command: help goes to stderr and the exit code says usage error (EXIT.usage).
  process.stderr.write(HELP);
  process.exitCode = 2;
} else {
  // Node ≥ 22.1 can cache compiled code on disk (what tsc does too); absent on Node 20, so optional.
  // Opt out with NODE_DISABLE_COMPILE_CACHE=1.
  const nodeModule = require("node:module") as { enableCompileCache?: () => unknown };
  nodeModule.enableCompileCache?.();
  // The exit code is set, not forced, so stdout drains completely.
  void import("./main.js").then(async ({ main }) => {
    process.exitCode = await main(argv);
  });
}
