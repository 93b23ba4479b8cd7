import type { ActionFailure, AlertAction } from '@secmon/processor';
import { EmailAction, SlackAction, WebhookAction } from '@secmon/processor';
import type { ActionConfig } from './parseActions.js';

/** The actions built from the configuration, and how to release their connections. */
export interface CreatedActions {
  readonly actions: readonly AlertAction[];
  /**
   * For the publisher's `onActionFailure`: reports the first failed attempt of each action once (later ones
   * are only counted by the publisher), so a wrong URL or a refused token shows up on stderr at the first
   * alert instead of never: the processor reports through `diag`, which serve does not install. The message
   * is the action's own error (`HTTP 401 from host`, `SMTP: ...`), which never contains the URL's path,
   * headers or passwords.
   */
  readonly onActionFailure: (failure: ActionFailure) => void;
  /** Closes SMTP transports; call after the publisher has shut down. Never throws. */
  close(): void;
}

/** Builds the processor's action classes from validated {@link ActionConfig}s. */
export function createActions(
  configs: readonly ActionConfig[],
  onFirstFailure: (label: string, message: string, willRetry: boolean) => void,
): CreatedActions {
  const emails: EmailAction[] = [];
  const labels = new Map<AlertAction, string>();
  const actions = configs.map((c): AlertAction => {
    let action: AlertAction;
    if (c.type === 'webhook') action = new WebhookAction(c.options);
    else if (c.type === 'slack') action = new SlackAction(c.options);
    else {
      const email = new EmailAction(c.options);
      emails.push(email);
      action = email;
    }
    labels.set(action, `${c.label} ${c.type}`);
    return action;
  });
  const reported = new Set<AlertAction>();
  return {
    actions,
    onActionFailure(failure: ActionFailure): void {
      if (reported.has(failure.action)) return;
      reported.add(failure.action);
      // A 4xx or an SMTP 5xx stops the retries (`willRetry` false): say so rather than promise a retry.
      onFirstFailure(
        labels.get(failure.action) ?? failure.action.name,
        describeError(failure.error),
        failure.willRetry,
      );
    },
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

function describeError(err: Error): string {
  // fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND...) is what helps. The
  // dispatcher wraps what the action threw: look through one or two causes.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return `${err.message} (${code})`;
  }
  return err.message;
}
