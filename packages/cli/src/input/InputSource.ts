import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** One input of `analyze`: a file, or standard input. */
export interface InputSource {
  /** The path as given (or found in a folder), `-` for standard input. */
  readonly name: string;
  /** Size on disk in bytes; undefined for standard input. */
  readonly size: number | undefined;
  open(): Readable;
}

/** Read size of file streams: large chunks keep the per-chunk async overhead out of the profile. */
const CHUNK_BYTES = 1024 * 1024;

/** A path that does not exist or is neither a file nor a folder. */
export class InputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputPathError';
  }
}

/**
 * Expands the operands of `analyze` into sources: files as given, folders recursively in name order (hidden
 * entries skipped), `-` for standard input (at most once).
 */
export async function resolveInputs(operands: readonly string[], stdin: Readable): Promise<InputSource[]> {
  const out: InputSource[] = [];
  let stdinUsed = false;
  for (const operand of operands) {
    if (operand === '-') {
      if (stdinUsed) throw new InputPathError('standard input (-) given more than once');
      stdinUsed = true;
      out.push({ name: '-', size: undefined, open: () => stdin });
      continue;
    }
    await addPath(operand, out, true);
  }
  return out;
}

async function addPath(path: string, out: InputSource[], explicit: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputPathError(
      `${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path)).filter((e) => !e.startsWith('.')).sort();
    for (const entry of entries) await addPath(join(path, entry), out, false);
  } else if (info.isFile() || (explicit && !info.isDirectory())) {
    // Explicit FIFOs and character devices (e.g. /dev/stdin, process substitution) are read as streams.
    const size = info.isFile() ? info.size : undefined;
    out.push({ name: path, size, open: () => createReadStream(path, { highWaterMark: CHUNK_BYTES }) });
  }
}
