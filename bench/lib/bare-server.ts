// The yardstick: a bare node:http server answering fixed bytes with the same headers a FHIR read
// sends. Every benchmark reports HealthLane's figure as a ratio of this one on the same machine.
// Usage: node bare-server.ts <port> <body-file>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const body = process.argv[3] ? readFileSync(process.argv[3]) : Buffer.from('{"status":"ok"}');

createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/fhir+json; charset=utf-8',
    'content-length': body.length,
    etag: 'W/"1"',
  });
  response.end(body);
}).listen(port, '127.0.0.1');
