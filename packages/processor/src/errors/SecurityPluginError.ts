/** Error codes of {@link SecurityPluginError} (STYLE.md rule 11). */
export const SECURITY_PLUGIN_ERROR_CODES = {
  /** An alert action failed and may be retried (5xx, 429, timeout, network). */
  ACTION_FAILED: 'ACTION_FAILED',
  /** An alert action failed in a way retrying cannot fix (4xx, invalid configuration). */
  ACTION_REJECTED: 'ACTION_REJECTED',
  /** An alert action did not finish within its timeout. */
  ACTION_TIMEOUT: 'ACTION_TIMEOUT',
  /** A queue was full and an item was dropped. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** A rule was invalid and left out. */
  INVALID_RULE: 'INVALID_RULE',
  /** Anything else, normalised from an unknown thrown value. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of {@link SECURITY_PLUGIN_ERROR_CODES}. */
export type SecurityPluginErrorCode =
  (typeof SECURITY_PLUGIN_ERROR_CODES)[keyof typeof SECURITY_PLUGIN_ERROR_CODES];

/**
 * The processor's own error: a stable `code`, whether retrying may help, and the original thrown value as
 * `cause`. Never thrown into the application; handed to `diag` and counted.
 */
export class SecurityPluginError extends Error {
  readonly code: SecurityPluginErrorCode;
  readonly retryable: boolean;

  constructor(
    code: SecurityPluginErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecurityPluginError';
    this.code = code;
    this.retryable = options.retryable ?? code !== SECURITY_PLUGIN_ERROR_CODES.ACTION_REJECTED;
  }

  /** Normalises any thrown value (tRPC's `getCauseFromUnknown`). */
  static from(
    e: unknown,
    code: SecurityPluginErrorCode = SECURITY_PLUGIN_ERROR_CODES.INTERNAL,
  ): SecurityPluginError {
    if (e instanceof SecurityPluginError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new SecurityPluginError(code, message, { cause: e });
  }
}
