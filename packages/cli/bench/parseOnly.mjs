// The parse-only anchor of the analyze benchmark: read the file's lines and JSON.parse each one, nothing else.
// Same reading strategy as secmon analyze (1 MiB chunks, Buffer.indexOf for newlines), so the ratio measures
// what analyze does beyond parsing. Prints the number of parsed lines.
import { createReadStream } from 'node:fs';

let lines = 0;
let pending = null;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1024 * 1024 })) {
  let buf = chunk;
  if (pending !== null) {
    buf = Buffer.concat([pending, chunk]);
    pending = null;
  }
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) break;
    JSON.parse(buf.toString('utf8', start, nl));
    lines++;
    start = nl + 1;
  }
  if (start < buf.length) pending = buf.subarray(start);
}
if (pending !== null && pending.length > 0) {
  JSON.parse(pending.toString('utf8'));
  lines++;
}
process.stdout.write(`${lines}\n`);
