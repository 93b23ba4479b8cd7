import type { Alert, AlertAction } from '@secmon/processor';
import { EmailAction, SlackAction, WebhookAction } from '@secmon/processor';
import type { ActionConfig } from './parseActions.js';

/** The actions built from the configuration, and how to release their connections. */
export interface CreatedActions {
  readonly actions: readonly AlertAction[];
  /** Closes SMTP transports; call after the publisher has shut down. Never throws. */
  close(): void;
}

/**
 * Builds the processor's action classes from validated {@link ActionConfig}s. `onFailure` is told about the
 * first failed attempt of each action (later ones are only counted by the publisher), so a wrong URL or a
 * refused token shows up on stderr at the first alert instead of never: the processor reports through
 * `diag`, which serve does not install. The message is the action's own error (`HTTP 401 from host`,
 * `SMTP: ...`), which never contains the URL's path, headers or passwords.
 */
export function createActions(
  configs: readonly ActionConfig[],
  onFailure: (label: string, message: string, retryable: boolean) => void,
): CreatedActions {
  const emails: EmailAction[] = [];
  const actions = configs.map((c): AlertAction => {
    let inner: AlertAction;
    if (c.type === 'webhook') inner = new WebhookAction(c.options);
    else if (c.type === 'slack') inner = new SlackAction(c.options);
    else {
      const email = new EmailAction(c.options);
      emails.push(email);
      inner = email;
    }
    return new ReportFirstFailure(inner, `${c.label} ${c.type}`, onFailure);
  });
  return {
    actions,
    close(): void {
      for (const e of emails) {
        try {
          e.close();
        } catch {
          // Closing is best effort at exit; the process is going away.
        }
      }
    },
  };
}

/** Delegates to an action and reports its first failure once. */
class ReportFirstFailure implements AlertAction {
  readonly name: string;
  private readonly _inner: AlertAction;
  private readonly _label: string;
  private readonly _onFailure: (label: string, message: string, retryable: boolean) => void;
  private _reported = false;

  constructor(
    inner: AlertAction,
    label: string,
    onFailure: (label: string, message: string, retryable: boolean) => void,
  ) {
    this._inner = inner;
    this.name = inner.name;
    this._label = label;
    this._onFailure = onFailure;
  }

  async send(alert: Alert, signal: AbortSignal): Promise<void> {
    try {
      await this._inner.send(alert, signal);
    } catch (err) {
      if (!this._reported) {
        this._reported = true;
        try {
          // `retryable: false` (a 4xx, an SMTP 5xx) stops the retries: say so rather than promise a retry.
          this._onFailure(
            this._label,
            describeError(err),
            (err as { retryable?: unknown }).retryable !== false,
          );
        } catch {
          // A reporting hook must not turn a delivery failure into something else.
        }
      }
      throw err;
    }
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND...) is what helps.
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message;
}
