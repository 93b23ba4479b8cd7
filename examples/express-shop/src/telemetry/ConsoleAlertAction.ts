import type { Alert, AlertAction } from '@secmon/processor';
import { safe } from '../terminal.js';

/** Where {@link ConsoleAlertAction} writes. Default: `console.log`. */
export interface ConsoleAlertActionOptions {
  write?: (line: string) => void;
}

/**
 * An alert action that prints one line per alert on the shop's console: the simplest destination, next to
 * `WebhookAction`, `SlackAction` and `EmailAction` of @secmon/processor. Runs from the processor's action
 * queue, off the request path. Group values can come from an attacker (an address, a path): they are printed
 * through {@link safe}, never raw.
 */
export class ConsoleAlertAction implements AlertAction {
  readonly name = 'console';
  private readonly _write: (line: string) => void;

  constructor(options: ConsoleAlertActionOptions = {}) {
    this._write = options.write ?? ((line) => console.log(line));
  }

  send(alert: Alert, _signal: AbortSignal): Promise<void> {
    const group = Object.entries(alert.group)
      .map(([k, v]) => `${safe(k, 40)}=${safe(v, 80)}`)
      .join(' ');
    const response = alert.rule.response ? ` response=${safe(alert.rule.response.action, 40)}` : '';
    const suppressed = alert.suppressedCount > 0 ? ` (+${alert.suppressedCount} suppressed)` : '';
    this._write(
      `secmon ALERT [${alert.rule.severity}] ${safe(alert.rule.id, 80)} ${group || '(all events)'} count=${alert.count}${suppressed}${response}`,
    );
    return Promise.resolve();
  }
}
