import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** gzip member header (RFC 1952 §2.3.1): ID1 ID2. */
function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Streams `input` into `consume`, gunzipping it when its first bytes are a gzip header (whatever the file is
 * called). `onRawBytes` sees the bytes read before decompression, for progress. Rejects on a read or
 * decompression error (a cut-off .gz ends with "unexpected end of file"); what was consumed before stays
 * consumed.
 */
export async function readSource(
  input: Readable,
  consume: (chunk: Buffer) => void,
  onRawBytes: (bytes: number) => void,
): Promise<{ gzip: boolean }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done === true) return { gzip: false };
  const head = first.value;
  if (isGzip(head)) {
    async function* raw(): AsyncGenerator<Buffer> {
      onRawBytes(head.length);
      yield head;
      for (;;) {
        const next = await it.next();
        if (next.done === true) return;
        onRawBytes(next.value.length);
        yield next.value;
      }
    }
    await pipeline(
      Readable.from(raw(), { objectMode: false }),
      createGunzip({ chunkSize: 256 * 1024 }),
      async (source) => {
        for await (const chunk of source as AsyncIterable<Buffer>) consume(chunk);
      },
    );
    return { gzip: true };
  }
  onRawBytes(head.length);
  consume(head);
  for (;;) {
    const next = await it.next();
    if (next.done === true) break;
    onRawBytes(next.value.length);
    consume(next.value);
  }
  return { gzip: false };
}
