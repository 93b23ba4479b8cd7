import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/** A message of the demo feed (the shop -> the demo runner, over the IPC channel of `child_process.fork`). */
export type DemoFeedMessage =
  | { type: 'event'; name: string }
  | {
      type: 'alert';
      ruleId: string;
      title: string;
      severity: string;
      group: Record<string, string>;
      count: number;
      windowMillis: number;
      /**
       * The rule's suggested response; `enforced` when the alert put a block in place in the shop's BlockList
       * (`block_client`, `lock_user`), false for advisory responses (`review`, `require_captcha`...).
       */
      response?: { action: string; target?: string; durationMillis?: number; enforced: boolean };
    };

/** Sends a message to the parent process when there is one (the demo runner); a no-op otherwise. */
export function sendToDemo(message: DemoFeedMessage): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  try {
    process.send(message);
  } catch {
    // The runner went away: the feed is best effort, the OTLP pipeline is the record.
  }
}

/**
 * Reports every security event's name to the demo runner, which counts them per family live. Only the
 * name travels: the runner shows counts, and the full records are in the OTLP output.
 */
export class DemoFeedProcessor implements LogRecordProcessor {
  private readonly _skip: ReadonlySet<string>;

  constructor(skipEventNames: readonly string[]) {
    this._skip = new Set(skipEventNames);
  }

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    const name = logRecord.eventName;
    if (name && !this._skip.has(name)) sendToDemo({ type: 'event', name });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
