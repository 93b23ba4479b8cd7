import { diag } from '@opentelemetry/api';

/** Sends each distinct cause to `diag.warn` once, not once per batch (STYLE.md rule 9). */
export class WarnOnce {
  private readonly _seen = new Set<string>();

  warn(cause: string, message: string): void {
    if (this._seen.has(cause)) return;
    // Bounded: causes are a fixed set of code paths, but stay safe when a caller interpolates a message.
    if (this._seen.size < 256) this._seen.add(cause);
    diag.warn(message);
  }
}
