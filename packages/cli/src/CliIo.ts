import type { Readable, Writable } from 'node:stream';

/** The process surface a command uses; tests and embedders can pass their own. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes of every `secmon` command. */
export const EXIT = {
  /** Success; for `analyze`, no alert at or above `--fail-on`. */
  OK: 0,
  /** An alert at or above `--fail-on` (analyze), invalid rules (rules validate), a failing case (rules test). */
  FINDINGS: 1,
  /** Usage, configuration or input error. */
  USAGE: 2,
} as const;

/** A command-line or configuration mistake: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Writes text and waits for the stream to drain when its buffer is full (large reports, pipes). */
export async function writeOut(stream: Writable, text: string): Promise<void> {
  if (text === '') return;
  if (!stream.write(text)) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  }
}
