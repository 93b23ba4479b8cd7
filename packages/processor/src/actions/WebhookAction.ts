import type { Alert } from '../engine/Alert.js';
import type { AlertAction } from './AlertAction.js';
import { postJson } from './httpPost.js';

/** Options of {@link WebhookAction}. */
export interface WebhookActionOptions {
  /** Endpoint receiving `POST` with a JSON body. */
  readonly url: string;
  /** Extra headers (e.g. an `authorization` token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Action name in diagnostics. Default `webhook`. */
  readonly name?: string;
}

/** JSON body posted by {@link WebhookAction}: a schema marker and the alert as is. */
export interface WebhookPayload {
  readonly schema: 'secmon.alert/v1';
  readonly alert: Alert;
}

/**
 * Posts each alert as JSON (`{ schema: 'secmon.alert/v1', alert }`; the alert is plain data, times are Unix
 * nanosecond strings). 2xx = delivered; 5xx/408/429/network errors are retried; other statuses are not.
 *
 * @example
 * new SecurityRulesProcessor({ actions: [new WebhookAction({ url: 'https://soar.example/hooks/secmon' })] });
 */
export class WebhookAction implements AlertAction {
  readonly name: string;
  private readonly _url: string;
  private readonly _headers: Readonly<Record<string, string>>;

  constructor(options: WebhookActionOptions) {
    this._url = new URL(options.url).toString();
    this._headers = { ...(options.headers ?? {}) };
    this.name = options.name ?? 'webhook';
  }

  send(alert: Alert, signal: AbortSignal): Promise<void> {
    const payload: WebhookPayload = { schema: 'secmon.alert/v1', alert };
    return postJson(this._url, payload, this._headers, signal);
  }
}
