// Shrinks tsc's declaration output for the spec types without changing a type: they are ~6 MB of
// .d.ts, a third of it indentation and over half of it comments, many saying the same sentence twice.

/**
 * One doc comment, smaller and with the same text: the `@description` tag goes (its text is what an
 * editor shows either way), a summary that the description repeats is kept once, `@enum {string}`
 * goes (the literal union says it), and what is left on one line becomes a one-line comment.
 * @param {string} comment a `/** … *\/` block as tsc wrote it
 * @param {string} indent the indentation of the line the block starts on
 * @returns {string} the compacted block
 */
export function compactComment(comment, indent = "") {
  const lines = comment
    .slice(3, -2)
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trim())
    .filter((line) => line !== "" && !/^@enum \{\w+\}$/.test(line))
    .map((line) => line.replace(/^@description /, ""));
  if (lines.length >= 2 && lines[0] === lines[1]) lines.shift();
  if (lines.length === 0) return "";
  if (lines.length === 1 && !lines[0].includes("*/")) return `/** ${lines[0]} */`;
  return `/**\n${lines.map((line) => `${indent} * ${line}`).join("\n")}\n${indent} */`;
}

/**
 * Doc comments compacted (see compactComment), a comment left empty removed with its line, and
 * indentation as tabs instead of runs of 4 spaces, or none at all with `indent: false` (the spec
 * types: machine-written, read through an editor's hover, and 0.4 MB of indentation). Types are not touched.
 * @param {string} source a declaration file as tsc wrote it (4-space indentation)
 * @param {{ indent?: boolean }} [options]
 * @returns {string} the same declarations, smaller
 */
export function compactDeclarations(source, { indent = true } = {}) {
  return source
    .replace(/^([ \t]*)(\/\*\*[\s\S]*?\*\/)/gm, (_, lead, comment) => lead + compactComment(comment, lead))
    .replace(/^(?: {4})+/gm, (lead) => (indent ? "\t".repeat(lead.length / 4) : ""))
    .replace(/^[ \t]*\n/gm, "");
}
