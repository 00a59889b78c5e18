// The `twk` bin. Sets the exit code instead of calling process.exit so stdout drains completely.
import { main } from "./main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
