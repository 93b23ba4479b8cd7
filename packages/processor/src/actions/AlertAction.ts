import type { Alert } from '../engine/Alert.js';

/**
 * Something done with an alert off the hot path (a webhook, a chat message, an email). The processor runs
 * actions from a bounded queue with a timeout per attempt and retries with exponential backoff.
 *
 * `send` must honour `signal` (abort on timeout) and reject to report a failure; a rejection with
 * `retryable: false` (e.g. {@link SecurityPluginError} with code `ACTION_REJECTED`) stops the retries.
 */
export interface AlertAction {
  /** Short name for diagnostics and metrics, e.g. `webhook`, `slack`, `email`. */
  readonly name: string;
  send(alert: Alert, signal: AbortSignal): Promise<void>;
}
