import { diag } from '@opentelemetry/api';

const MAX_CAUSES = 1024;

/** `diag.warn` once per cause (STYLE.md rule 9), with a bounded memory of causes. */
export class WarnOnce {
  private readonly _seen = new Set<string>();

  warn(cause: string, message: string): void {
    if (this._seen.has(cause)) return;
    if (this._seen.size < MAX_CAUSES) this._seen.add(cause);
    diag.warn(`secmon-instrumentation: ${message}`);
  }

  error(cause: string, message: string): void {
    if (this._seen.has(cause)) return;
    if (this._seen.size < MAX_CAUSES) this._seen.add(cause);
    diag.error(`secmon-instrumentation: ${message}`);
  }
}
