import nodemailer, { type Transporter } from 'nodemailer';
import type { Alert } from '../engine/Alert.js';
import { SECURITY_PLUGIN_ERROR_CODES, SecurityPluginError } from '../errors/SecurityPluginError.js';
import { alertFacts, alertSummary } from '../internal/formatAlert.js';
import type { AlertAction } from './AlertAction.js';

/** SMTP connection settings of {@link EmailAction} (a subset of nodemailer's SMTP options). */
export interface EmailSmtpOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465). Default false (STARTTLS is used when the server offers it). */
  readonly secure?: boolean;
  /** Refuse to send without STARTTLS. Default false. */
  readonly requireTLS?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Connection, greeting and socket timeouts, ms. Default 10 000. */
  readonly timeoutMillis?: number;
}

/** Options of {@link EmailAction}. */
export interface EmailActionOptions {
  readonly smtp: EmailSmtpOptions;
  readonly from: string;
  readonly to: string | readonly string[];
  /** Prepended to the subject. Default `[secmon]`. */
  readonly subjectPrefix?: string;
  /** Action name in diagnostics. Default `email`. */
  readonly name?: string;
}

/** The plain-text email body for an alert (exported for tests and custom transports). */
export function emailText(alert: Alert): string {
  const lines = alertFacts(alert).map(([label, value]) => `${label}: ${value}`);
  if (alert.rule.description !== undefined) lines.unshift(alert.rule.description, '');
  return `${lines.join('\n')}\n`;
}

/** Sends each alert as a plain-text email over SMTP (nodemailer). */
export class EmailAction implements AlertAction {
  readonly name: string;
  private readonly _transport: Transporter;
  private readonly _from: string;
  private readonly _to: string[];
  private readonly _prefix: string;

  constructor(options: EmailActionOptions) {
    const t = options.smtp.timeoutMillis ?? 10_000;
    this._transport = nodemailer.createTransport({
      host: options.smtp.host,
      port: options.smtp.port,
      secure: options.smtp.secure ?? false,
      requireTLS: options.smtp.requireTLS ?? false,
      ...(options.smtp.auth !== undefined
        ? { auth: { user: options.smtp.auth.user, pass: options.smtp.auth.pass } }
        : {}),
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
    });
    this._from = options.from;
    this._to = typeof options.to === 'string' ? [options.to] : [...options.to];
    this._prefix = options.subjectPrefix ?? '[secmon]';
    this.name = options.name ?? 'email';
  }

  async send(alert: Alert, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason;
    try {
      await this._transport.sendMail({
        from: this._from,
        to: this._to,
        // nodemailer encodes headers; the summary is neutralised anyway (no CR/LF from group values).
        subject: `${this._prefix} ${alertSummary(alert)}`,
        text: emailText(alert),
        headers: { 'X-Secmon-Alert-Id': alert.id, 'X-Secmon-Rule-Id': alert.rule.id },
      });
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      // SMTP 5xx replies are permanent (RFC 5321 §4.2.1); connection failures and 4xx are worth retrying.
      const permanent = typeof code === 'number' && code >= 500;
      throw new SecurityPluginError(
        permanent ? SECURITY_PLUGIN_ERROR_CODES.ACTION_REJECTED : SECURITY_PLUGIN_ERROR_CODES.ACTION_FAILED,
        `SMTP: ${(e as Error).message}`,
        { cause: e, retryable: !permanent },
      );
    }
  }

  /** Closes pooled SMTP connections. */
  close(): void {
    this._transport.close();
  }
}
