// The anchor of the serve benchmark: a bare node:http server that reads each request body and answers 200,
// nothing else (no decompression, no decoding, no rules). Prints its port on stdout.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
