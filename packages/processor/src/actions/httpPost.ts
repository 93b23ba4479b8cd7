import { SECURITY_PLUGIN_ERROR_CODES, SecurityPluginError } from '../errors/SecurityPluginError.js';

/**
 * POSTs a JSON body with fetch; resolves on 2xx. 5xx, 408 and 429 (and network errors) are retryable;
 * other statuses are rejected for good, since retrying a 400 cannot succeed.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  // Drain the body so the connection returns to the pool.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new SecurityPluginError(
    retryable ? SECURITY_PLUGIN_ERROR_CODES.ACTION_FAILED : SECURITY_PLUGIN_ERROR_CODES.ACTION_REJECTED,
    `HTTP ${res.status} from ${new URL(url).host}`,
    { retryable },
  );
}
