// Counts a streamed request body on its way upstream and stops it at the body limit, so the
// gateway never buffers a large upload yet still refuses one that is too big.
import { Transform, type TransformCallback } from 'node:stream';

export class BodyLimitExceeded extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyLimitExceeded';
  }
}

export function limitBody(limit: number): Transform & { exceeded: () => boolean } {
  let seen = 0;
  let over = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) {
        over = true;
        callback(new BodyLimitExceeded(limit));
        return;
      }
      callback(null, chunk);
    },
  });
  return Object.assign(stream, { exceeded: () => over });
}
