import type { Alert } from '../engine/Alert.js';
import { alertFacts, alertSummary } from '../internal/formatAlert.js';
import type { AlertAction } from './AlertAction.js';
import { postJson } from './httpPost.js';

/** Options of {@link SlackAction}. */
export interface SlackActionOptions {
  /** A Slack incoming-webhook URL (`https://hooks.slack.com/services/...`). */
  readonly webhookUrl: string;
  /** Action name in diagnostics. Default `slack`. */
  readonly name?: string;
}

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  informational: ':information_source:',
  low: ':large_blue_circle:',
  medium: ':large_orange_circle:',
  high: ':red_circle:',
  critical: ':rotating_light:',
};

/** Slack's mrkdwn control characters, escaped as its docs require ("Escaping text"). */
function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Slack message posted for an alert (exported for tests and custom transports). */
export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  const facts = alertFacts(alert);
  return {
    text: escapeSlack(alertSummary(alert)),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: `${alert.rule.severity.toUpperCase()}: ${alert.rule.title}`.slice(0, 150),
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${SEVERITY_EMOJI[alert.rule.severity] ?? ''} ${escapeSlack(alert.rule.description ?? alert.rule.title)}`,
        },
      },
      {
        type: 'section',
        // Slack allows at most 10 fields per section.
        fields: facts.slice(0, 10).map(([label, value]) => ({
          type: 'mrkdwn',
          text: `*${escapeSlack(label)}*\n${escapeSlack(value)}`,
        })),
      },
      ...(facts.length > 10
        ? [
            {
              type: 'context',
              elements: facts.slice(10).map(([label, value]) => ({
                type: 'mrkdwn',
                text: `*${escapeSlack(label)}*: ${escapeSlack(value)}`,
              })),
            },
          ]
        : []),
    ],
  };
}

/** Posts a Slack incoming-webhook message with the alert's facts (severity, group, count, window, runbook, ...). */
export class SlackAction implements AlertAction {
  readonly name: string;
  private readonly _url: string;

  constructor(options: SlackActionOptions) {
    this._url = new URL(options.webhookUrl).toString();
    this.name = options.name ?? 'slack';
  }

  send(alert: Alert, signal: AbortSignal): Promise<void> {
    return postJson(this._url, slackMessage(alert), {}, signal);
  }
}
