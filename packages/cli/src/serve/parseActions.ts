import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { EmailActionOptions, SlackActionOptions, WebhookActionOptions } from '@secmon/processor';
import { suggest } from '../internal/suggest.js';
import { parseDurationMillis } from '../internal/units.js';
import type { YamlSource } from '../internal/YamlSource.js';

/** The alert action types `secmon serve` can configure: the processor's `WebhookAction`, `SlackAction`, `EmailAction`. */
export const ACTION_TYPES = ['webhook', 'slack', 'email'] as const;

/** One of {@link ACTION_TYPES}. */
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * One validated action of the config file: the options of the processor's action class, with every
 * `${env:NAME}` / `${file:PATH}` reference already replaced (so they may hold secrets: never print them).
 */
export type ActionConfig =
  | { readonly type: 'webhook'; readonly label: string; readonly options: WebhookActionOptions }
  | { readonly type: 'slack'; readonly label: string; readonly options: SlackActionOptions }
  | { readonly type: 'email'; readonly label: string; readonly options: EmailActionOptions };

/** What {@link parseActions} found: the actions, or problems (`actions[0].url (serve.yaml:3): ...`). */
export interface ParsedActions {
  readonly actions: ActionConfig[];
  readonly problems: string[];
  /** Configurations that work but deserve a word at start-up (plain http to another host). */
  readonly warnings: string[];
}

const KEYS: Readonly<Record<ActionType, readonly string[]>> = {
  webhook: ['type', 'name', 'url', 'headers'],
  slack: ['type', 'name', 'webhookUrl'],
  email: ['type', 'name', 'smtp', 'from', 'to', 'subjectPrefix'],
};
const SMTP_KEYS = ['host', 'port', 'secure', 'requireTLS', 'auth', 'timeout'] as const;
const AUTH_KEYS = ['user', 'pass'] as const;

/** Keys users bring from other tools (and from the other action types), with where they belong here. */
const HINTS: Readonly<Record<ActionType, Readonly<Record<string, string>>>> = {
  webhook: { webhookUrl: 'did you mean "url"?' },
  slack: { url: 'did you mean "webhookUrl"?', headers: 'a Slack incoming webhook takes no headers' },
  email: {
    host: 'SMTP settings go under "smtp:"',
    port: 'SMTP settings go under "smtp:"',
    secure: 'SMTP settings go under "smtp:"',
    auth: 'SMTP settings go under "smtp:"',
  },
};

type Path = ReadonlyArray<string | number>;

// RFC 9110 §5.6.2 token: what fetch accepts as a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const NAMED_ADDRESS = /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// `$${` is a literal `${`, as in the collector's configuration.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;

/**
 * Validates the `actions:` list of the serve config file. Never throws: every problem is returned with the
 * setting's path and `file:line`, and **no problem quotes a value** (URLs, headers and passwords may be
 * secrets, resolved or not). Strings may reference `${env:NAME}` (from `env`) or `${file:PATH}` (relative to
 * `base`, the config file's folder; a trailing newline is dropped), so no secret has to be written in the file.
 */
export async function parseActions(
  value: unknown,
  src: YamlSource,
  base: string,
  env: NodeJS.ProcessEnv,
): Promise<ParsedActions> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const actions: ActionConfig[] = [];
  const files = new Map<string, Promise<string>>();
  if (value === null || value === undefined) return { actions, problems, warnings };
  if (!Array.isArray(value)) {
    problems.push(`actions (${src.where(['actions'])}): must be a list of actions, got ${kind(value)}`);
    return { actions, problems, warnings };
  }

  const label = (path: Path): string =>
    path
      .slice(1)
      .reduce<string>(
        (acc, step) => (typeof step === 'number' ? `${acc}[${step}]` : `${acc}.${step}`),
        'actions',
      );
  const problem = (path: Path, message: string): void => {
    problems.push(`${label(path)} (${src.where(path)}): ${message}`);
  };
  const mapping = (v: unknown, path: Path): Record<string, unknown> | undefined => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    problem(path, `must be a mapping, got ${kind(v)}`);
    return undefined;
  };
  const unknownKeys = (
    obj: Record<string, unknown>,
    path: Path,
    known: readonly string[],
    what: string,
    hints: Readonly<Record<string, string>> = {},
  ): void => {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const hint =
        hints[key] ?? (suggest(key, known) !== undefined ? `did you mean "${suggest(key, known)}"?` : '');
      problems.push(
        `${src.where([...path, key])}: unknown setting "${key}" in ${what}${hint !== '' ? ` (${hint})` : ''}`,
      );
    }
  };

  /** Replaces `${env:NAME}` and `${file:PATH}`; undefined (with a problem) when one cannot be resolved. */
  const expand = async (text: string, path: Path): Promise<string | undefined> => {
    let out = '';
    let last = 0;
    let ok = true;
    for (const m of text.matchAll(REFERENCE)) {
      out += text.slice(last, m.index);
      last = m.index + m[0].length;
      if (m[0] === '$${') {
        out += '${';
        continue;
      }
      const ref = m[1]!;
      const colon = ref.indexOf(':');
      const scheme = colon < 0 ? '' : ref.slice(0, colon);
      const arg = colon < 0 ? '' : ref.slice(colon + 1).trim();
      if (scheme === 'env' && ENV_NAME.test(arg)) {
        const v = env[arg];
        if (v === undefined || v === '') {
          problem(path, `environment variable ${arg} (from \${env:${arg}}) is not set`);
          ok = false;
        } else out += v;
      } else if (scheme === 'file' && arg !== '') {
        const file = resolve(base, arg);
        let p = files.get(file);
        if (p === undefined) {
          p = readFile(file, 'utf8');
          // Read once even when referenced twice; a rejection is handled by the await below.
          p.catch(() => {});
          files.set(file, p);
        }
        try {
          out += (await p).replace(/\r?\n$/, '');
        } catch (err) {
          problem(
            path,
            `cannot read ${arg} (from \${file:${arg}}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          );
          ok = false;
        }
      } else {
        problem(path, 'unsupported reference: use ${env:NAME} or ${file:PATH} ($${ for a literal ${)');
        ok = false;
      }
    }
    return ok ? out + text.slice(last) : undefined;
  };

  /** A string setting, references resolved. `required` names the action type that needs it. */
  const str = async (
    obj: Record<string, unknown>,
    path: Path,
    key: string,
    required?: string,
  ): Promise<string | undefined> => {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required !== undefined) problem([...path, key], `required for ${required}`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      problem([...path, key], `must be a non-empty string, got ${kind(v)}`);
      return undefined;
    }
    const out = await expand(v, [...path, key]);
    if (out !== undefined && out.trim() === '') {
      problem([...path, key], 'is empty once its references are resolved');
      return undefined;
    }
    return out;
  };

  const url = async (obj: Record<string, unknown>, path: Path, key: string, what: string) => {
    const text = await str(obj, path, key, what);
    if (text === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      // The value is never quoted: a Slack webhook URL is itself the secret.
      problem([...path, key], 'must be an absolute http:// or https:// URL');
      return undefined;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      problem([...path, key], `must be an http:// or https:// URL, got a ${u.protocol} URL`);
      return undefined;
    }
    if (u.username !== '' || u.password !== '') {
      // fetch refuses such URLs at every delivery, and would print them, credentials included.
      problem(
        [...path, key],
        'must not carry credentials (user:password@); use headers or a token in the path',
      );
      return undefined;
    }
    if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
      warnings.push(
        `${label([...path, key])} (${src.where([...path, key])}): alerts go over plain http to ${u.host}`,
      );
    }
    return u.toString();
  };

  const address = async (v: unknown, path: Path): Promise<string | undefined> => {
    if (typeof v !== 'string' || v.trim() === '') {
      problem(path, `must be an email address, got ${kind(v)}`);
      return undefined;
    }
    const text = await expand(v.trim(), path);
    if (text === undefined) return undefined;
    if (!ADDRESS.test(text) && !NAMED_ADDRESS.test(text)) {
      problem(path, 'must be an email address such as soc@example.com or "SOC <soc@example.com>"');
      return undefined;
    }
    return text;
  };

  for (let i = 0; i < value.length; i++) {
    const path: Path = ['actions', i];
    const item = mapping(value[i], path);
    if (item === undefined) continue;
    const type = item['type'];
    if (type === undefined || type === null) {
      problem(path, `needs a "type": ${ACTION_TYPES.join(', ')}`);
      continue;
    }
    if (typeof type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(type)) {
      const hint = typeof type === 'string' ? suggest(type, ACTION_TYPES) : undefined;
      problem(
        [...path, 'type'],
        `unknown action type ${JSON.stringify(type)}; use ${ACTION_TYPES.join(', ')}` +
          (hint !== undefined ? ` (did you mean "${hint}"?)` : ''),
      );
      continue;
    }
    const t = type as ActionType;
    const before = problems.length;
    const what = t === 'email' ? 'an email action' : `a ${t} action`;
    unknownKeys(item, path, KEYS[t], `actions[${i}] (${t})`, HINTS[t]);
    const name = await str(item, path, 'name');
    const where = `${label(path)} (${src.where(path)})`;

    if (t === 'webhook') {
      const u = await url(item, path, 'url', what);
      const headers: Record<string, string> = {};
      if (item['headers'] !== undefined && item['headers'] !== null) {
        const hp = [...path, 'headers'];
        const h = mapping(item['headers'], hp);
        for (const k of Object.keys(h ?? {})) {
          if (!HEADER_NAME.test(k)) {
            problem([...hp, k], 'is not a valid HTTP header name');
            continue;
          }
          const text = await str(h!, hp, k, 'a header');
          if (text === undefined) continue;
          if (/[\r\n\0]/.test(text)) {
            problem([...hp, k], 'must not contain line breaks or NUL');
            continue;
          }
          headers[k] = text;
        }
      }
      if (problems.length === before && u !== undefined) {
        actions.push({
          type: t,
          label: where,
          options: { url: u, headers, ...(name !== undefined ? { name } : {}) },
        });
      }
    } else if (t === 'slack') {
      const u = await url(item, path, 'webhookUrl', what);
      if (problems.length === before && u !== undefined) {
        actions.push({
          type: t,
          label: where,
          options: { webhookUrl: u, ...(name !== undefined ? { name } : {}) },
        });
      }
    } else {
      const sp = [...path, 'smtp'];
      let smtp: EmailActionOptions['smtp'] | undefined;
      if (item['smtp'] === undefined || item['smtp'] === null) {
        problem(sp, `required for ${what} (host, port, ...)`);
      } else {
        const s = mapping(item['smtp'], sp);
        if (s !== undefined) smtp = await parseSmtp(s, sp);
      }
      const from = item['from'] === undefined ? undefined : await address(item['from'], [...path, 'from']);
      if (item['from'] === undefined) problem([...path, 'from'], `required for ${what}`);
      const to: string[] = [];
      const rawTo = item['to'];
      if (rawTo === undefined || rawTo === null) problem([...path, 'to'], `required for ${what}`);
      else if (Array.isArray(rawTo)) {
        if (rawTo.length === 0) problem([...path, 'to'], 'must list at least one address');
        for (let j = 0; j < rawTo.length; j++) {
          const a = await address(rawTo[j], [...path, 'to', j]);
          if (a !== undefined) to.push(a);
        }
      } else {
        const a = await address(rawTo, [...path, 'to']);
        if (a !== undefined) to.push(a);
      }
      const subjectPrefix =
        item['subjectPrefix'] === undefined ? undefined : await str(item, path, 'subjectPrefix');
      if (problems.length === before && smtp !== undefined && from !== undefined) {
        actions.push({
          type: t,
          label: where,
          options: {
            smtp,
            from,
            to,
            ...(subjectPrefix !== undefined ? { subjectPrefix } : {}),
            ...(name !== undefined ? { name } : {}),
          },
        });
      }
    }
  }
  return { actions, problems, warnings };

  async function parseSmtp(
    s: Record<string, unknown>,
    sp: Path,
  ): Promise<EmailActionOptions['smtp'] | undefined> {
    const before = problems.length;
    unknownKeys(s, sp, SMTP_KEYS, `${label(sp)}`);
    const host = await str(s, sp, 'host', 'smtp');
    if (host !== undefined && isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host)) {
      problem([...sp, 'host'], 'must be an IP address or a host name');
    }
    const flag = (key: string): boolean | undefined => {
      const v = s[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'boolean') problem([...sp, key], `must be true or false, got ${kind(v)}`);
      return v === true;
    };
    const secure = flag('secure');
    const requireTLS = flag('requireTLS');
    // nodemailer's defaults: 465 with implicit TLS, otherwise the submission port.
    let port = secure === true ? 465 : 587;
    const p = s['port'];
    if (p !== undefined && p !== null) {
      const n = typeof p === 'number' ? p : typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        problem([...sp, 'port'], `must be an integer from 1 to 65535, got ${JSON.stringify(p) ?? kind(p)}`);
      } else port = n;
    }
    let timeoutMillis: number | undefined;
    if (s['timeout'] !== undefined && s['timeout'] !== null) {
      const n = parseDurationMillis(s['timeout']);
      if (n === undefined || n < 1) {
        problem(
          [...sp, 'timeout'],
          `must be a duration such as 10s, got ${JSON.stringify(s['timeout']) ?? kind(s['timeout'])}`,
        );
      } else timeoutMillis = n;
    }
    let auth: { user: string; pass: string } | undefined;
    if (s['auth'] !== undefined && s['auth'] !== null) {
      const ap = [...sp, 'auth'];
      const a = mapping(s['auth'], ap);
      if (a !== undefined) {
        unknownKeys(a, ap, AUTH_KEYS, label(ap));
        const user = await str(a, ap, 'user', 'smtp.auth');
        const pass = await str(a, ap, 'pass', 'smtp.auth');
        if (user !== undefined && pass !== undefined) auth = { user, pass };
      }
    }
    if (problems.length !== before || host === undefined) return undefined;
    return {
      host,
      port,
      ...(secure !== undefined ? { secure } : {}),
      ...(requireTLS !== undefined ? { requireTLS } : {}),
      ...(auth !== undefined ? { auth } : {}),
      ...(timeoutMillis !== undefined ? { timeoutMillis } : {}),
    };
  }
}

/** Counts per type, in the order of {@link ACTION_TYPES}: `2 webhook, 1 email`; `none` for an empty list. */
export function describeActions(actions: readonly ActionConfig[]): string {
  const parts: string[] = [];
  for (const t of ACTION_TYPES) {
    const n = actions.filter((a) => a.type === t).length;
    if (n > 0) parts.push(`${n} ${t}`);
  }
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || (isIP(hostname) === 4 && hostname.startsWith('127.'))
  );
}

/** The kind of a value, for messages that must not quote it. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return v.trim() === '' ? 'an empty string' : 'a string';
  return `a ${typeof v}`;
}
