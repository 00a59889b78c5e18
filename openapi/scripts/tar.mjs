// A minimal reader for the ustar archives npm publishes: regular files only, with the
// pax/GNU long-name records npm may emit. Enough to pull a few files out of a package tarball.

/** @param {Buffer} buffer an uncompressed tar archive */
export function readTar(buffer) {
  const entries = [];
  let offset = 0;
  let longName;
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    let name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const data = buffer.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const path = /\d+ path=([^\n]*)\n/.exec(data.toString("utf8"));
      if (path) longName = path[1];
      continue;
    }
    if (type === "L") {
      longName = data.toString("utf8").replace(/\0.*$/s, "");
      continue;
    }
    if (longName) [name, longName] = [longName, undefined];
    if (type === "0" || type === "\0") entries.push({ name, data: Buffer.from(data) });
  }
  return entries;
}
