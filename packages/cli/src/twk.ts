// The `twk` bin. `--version` answers from this module alone; everything else loads main and then
// only the command it runs. The exit code is set, not forced, so stdout drains completely.
declare const __VERSION__: string;

const [first] = process.argv.slice(2);
if (first === "--version" || first === "-V") {
  process.stdout.write(`${__VERSION__}\n`);
} else {
  const { main } = await import("./main.js");
  process.exitCode = await main(process.argv.slice(2));
}
