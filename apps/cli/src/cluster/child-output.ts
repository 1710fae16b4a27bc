// Relays a child's output line by line: JSON log lines pass through untouched (they already name
// their service), anything else gets a "[service] " prefix so interleaved output stays readable.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export function relayLines(name: string, from: Readable, to: Writable): void {
  const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    to.write(line.startsWith('{') ? `${line}\n` : `[${name}] ${line}\n`);
  });
}
