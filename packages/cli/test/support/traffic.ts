// A deterministic generator of application security logs: benign traffic of a web shop, with attacks planted
// at known times. Benign rates stay below every threshold of the default rule pack, so a correct analysis of
// the output raises exactly the planted alerts (`PlantedAttack.expect`).
import { createHash } from 'node:crypto';
import { seededRandom } from '@secmon/test-utils';

/** One record in the JSON-lines form `secmon analyze` reads. */
export interface TrafficRecord {
  timeUnixNano: string;
  eventName: string;
  severityNumber: number;
  attributes: Record<string, string | number | boolean | string[]>;
  resource: Record<string, string>;
}

/** An alert a planted attack must raise (rule id and group). */
export interface ExpectedAlert {
  rule: string;
  group: Record<string, string>;
}

export interface PlantedAttack {
  name: string;
  /** Offset from the start, in milliseconds. */
  atMillis: number;
  expect: ExpectedAlert[];
}

export interface TrafficOptions {
  /** Benign events to generate (attack events come on top). */
  events: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Start of the log. Default 2025-03-14T08:00:00Z. */
  startMillis?: number;
  /** Benign events per minute; sets the time span. Default 120. */
  eventsPerMinute?: number;
  /** Plant the attacks. Default true. */
  attacks?: boolean;
  /**
   * `planted` (default): every attack kind of the default pack, one after the other; `lab`: the A09 lab story,
   * one attacker going from reconnaissance to account takeover and data theft (see the CLI README).
   */
  story?: 'planted' | 'lab';
}

const RESOURCE = {
  'service.name': 'shop',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
};
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
];
const SEV = { INFO: 9, WARN: 13, CRITICAL: 17 } as const;

/** The pseudonym the instrumentation would write for a login name (a stand-in for the keyed HMAC). */
export function userHash(login: string): string {
  return createHash('sha256').update(`lab-key:${login}`).digest('hex').slice(0, 32);
}

interface User {
  id: string;
  login: string;
  hash: string;
  ip: string;
  agent: string;
}

/**
 * Generates the log, in time order. Returns the records and the attacks planted in it.
 */
export function generateTraffic(options: TrafficOptions): {
  records: TrafficRecord[];
  attacks: PlantedAttack[];
} {
  const records: TrafficRecord[] = [];
  const attacks: PlantedAttack[] = [];
  for (const r of trafficStream(options, attacks)) records.push(r);
  return { records, attacks };
}

/**
 * The same log as a lazy stream (for a million events without holding them). `attacksOut` receives the
 * planted attacks as they are generated.
 */
export function* trafficStream(
  options: TrafficOptions,
  attacksOut: PlantedAttack[] = [],
): Generator<TrafficRecord> {
  const rand = seededRandom(options.seed ?? 1);
  const start = options.startMillis ?? Date.parse('2025-03-14T08:00:00Z');
  const perMinute = options.eventsPerMinute ?? 120;
  const stepMillis = 60_000 / perMinute;
  const users: User[] = [];
  for (let i = 0; i < 500; i++) {
    const login = `user${String(i).padStart(4, '0')}@example.com`;
    users.push({
      id: `u-${String(1000 + i)}`,
      login,
      hash: userHash(login),
      ip: `10.${(i >> 8) & 255}.${i & 255}.${((i * 7) % 250) + 2}`,
      agent: AGENTS[i % AGENTS.length]!,
    });
  }
  let uid = 0;
  const nextUid = (): string => `01JP${(uid++).toString(36).padStart(10, '0').toUpperCase()}`;
  const rec = (
    t: number,
    eventName: string,
    severityNumber: number,
    attributes: TrafficRecord['attributes'],
  ): TrafficRecord => ({
    timeUnixNano: `${Math.round(t)}000000`,
    eventName,
    severityNumber,
    attributes: { ...attributes, 'log.record.uid': nextUid() },
    resource: RESOURCE,
  });
  const loginFail = (
    t: number,
    ip: string,
    login: string,
    userId: string | undefined,
    agent: string,
  ): TrafficRecord => {
    const a: TrafficRecord['attributes'] = {
      'event.action': 'authn_login_fail',
      'event.outcome': 'failure',
      'error.type': userId === undefined ? 'user_not_found' : 'invalid_credentials',
      'client.address': ip,
      'user.hash': userHash(login),
      'user_agent.original': agent,
      'http.route': '/login',
      'http.request.method': 'POST',
      'secmon.authn.method': 'password',
    };
    if (userId !== undefined) a['user.id'] = userId;
    return rec(t, 'secmon.authn.login_fail', SEV.WARN, a);
  };

  // Attack schedule: one scenario every `gap`, spread over the benign time span.
  const spanMillis = options.events * stepMillis;
  const scenarios = options.attacks === false ? [] : options.story === 'lab' ? labStory() : plannedAttacks();
  const gap = Math.max(20 * 60_000, spanMillis / (scenarios.length + 1));
  const pending: TrafficRecord[] = [];
  scenarios.forEach((s, i) => {
    const at = start + (s.atMillis ?? gap * (i + 0.5) + 30_000);
    const out = s.build(at, { loginFail, rec, users });
    attacksOut.push({ name: s.name, atMillis: at - start, expect: s.expect });
    pending.push(...out);
  });
  pending.sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
  let p = 0;

  let lastFailMinute = -1;
  for (let i = 0; i < options.events; i++) {
    const t = start + i * stepMillis;
    const ts = `${Math.round(t)}000000`;
    while (p < pending.length && pending[p]!.timeUnixNano <= ts) yield pending[p++]!;
    const u = users[Math.floor(rand() * users.length)]!;
    const base = { 'client.address': u.ip, 'user_agent.original': u.agent };
    const r = rand();
    // At most one benign login failure per minute (a typo), so no window of any rule fills up.
    const minute = Math.floor((t - start) / 60_000);
    if (r < 0.012 && minute !== lastFailMinute) {
      lastFailMinute = minute;
      yield loginFail(t, u.ip, u.login, u.id, u.agent);
    } else if (r < 0.12) {
      yield rec(t, 'secmon.authn.login_success', SEV.INFO, {
        ...base,
        'event.action': 'authn_login_success',
        'event.outcome': 'success',
        'user.id': u.id,
        'user.hash': u.hash,
        'http.route': '/login',
        'secmon.authn.method': 'password',
      });
    } else if (r < 0.2) {
      yield rec(t, 'secmon.session.created', SEV.INFO, {
        ...base,
        'event.action': 'session_created',
        'user.id': u.id,
      });
    } else if (r < 0.6) {
      yield rec(t, 'secmon.sensitive.read', SEV.WARN, {
        ...base,
        'event.action': 'sensitive_read',
        'user.id': u.id,
        'secmon.resource.type': 'order',
        'secmon.resource.id': String(Math.floor(rand() * 100_000)),
        'http.route': '/orders/:id',
      });
    } else if (r < 0.63) {
      yield rec(t, 'secmon.authz.fail', SEV.CRITICAL, {
        ...base,
        'event.action': 'authz_fail',
        'event.outcome': 'failure',
        'error.type': 'forbidden',
        'user.id': u.id,
        'http.route': '/orders/:id',
        'http.response.status_code': 403,
      });
    } else if (r < 0.65) {
      yield rec(t, 'secmon.payment.fail', SEV.WARN, {
        ...base,
        'event.action': 'payment_fail',
        'event.outcome': 'failure',
        'error.type': 'card_declined',
        'user.id': u.id,
        'secmon.payment.provider': 'fakepay',
      });
    } else if (r < 0.68) {
      yield rec(t, 'secmon.input.validation_fail', SEV.WARN, {
        ...base,
        'event.action': 'input_validation_fail',
        'error.type': 'validation_failed',
        'secmon.input.fields': ['quantity'],
        'http.route': '/cart',
      });
    } else if (r < 0.7) {
      yield rec(t, 'secmon.access.not_found', SEV.INFO, {
        ...base,
        'event.action': 'access_not_found',
        'url.path': '/favicon.ico',
      });
    } else if (r < 0.85) {
      yield rec(t, 'secmon.session.logout', SEV.INFO, {
        ...base,
        'event.action': 'session_logout',
        'user.id': u.id,
      });
    } else {
      yield rec(t, 'secmon.upload.complete', SEV.INFO, {
        ...base,
        'event.action': 'upload_complete',
        'user.id': u.id,
        'file.name': 'avatar.png',
        'file.size': 20_000 + Math.floor(rand() * 50_000),
      });
    }
  }
  while (p < pending.length) yield pending[p++]!;
}

interface Builders {
  loginFail: (
    t: number,
    ip: string,
    login: string,
    userId: string | undefined,
    agent: string,
  ) => TrafficRecord;
  rec: (
    t: number,
    eventName: string,
    severityNumber: number,
    attributes: TrafficRecord['attributes'],
  ) => TrafficRecord;
  users: User[];
}

interface Scenario {
  name: string;
  /** Fixed offset from the start; default: spread evenly. */
  atMillis?: number;
  expect: ExpectedAlert[];
  build: (at: number, b: Builders) => TrafficRecord[];
}

const HYDRA = 'Mozilla/4.0 (Hydra)';

/** The planted attacks and the alert each must raise under the default rule pack. */
export function plannedAttacks(): Scenario[] {
  return [
    {
      name: 'brute force on one account from one address',
      expect: [{ rule: 'authn.brute_force.client', group: { 'client.address': '203.0.113.10' } }],
      build: (at, b) =>
        Array.from({ length: 30 }, (_, i) =>
          b.loginFail(at + i * 6_000, '203.0.113.10', 'alice@example.com', 'u-1', HYDRA),
        ),
    },
    {
      name: 'password spraying from one address, slow enough to stay under the brute-force threshold',
      expect: [{ rule: 'authn.password_spraying', group: { 'client.address': '203.0.113.20' } }],
      build: (at, b) =>
        Array.from({ length: 12 }, (_, i) =>
          b.loginFail(at + i * 45_000, '203.0.113.20', `spray${i}@example.com`, undefined, HYDRA),
        ),
    },
    {
      name: 'credential stuffing from a botnet: one leaked pair per address',
      expect: [{ rule: 'authn.credential_stuffing', group: { 'service.name': 'shop' } }],
      build: (at, b) =>
        Array.from({ length: 60 }, (_, i) =>
          b.loginFail(at + i * 8_000, `198.51.100.${i + 1}`, `leaked${i}@example.org`, undefined, HYDRA),
        ),
    },
    {
      name: 'one account attacked from many addresses',
      expect: [
        { rule: 'authn.distributed_brute_force.user', group: { 'user.hash': userHash('bob@example.com') } },
      ],
      build: (at, b) =>
        Array.from({ length: 6 }, (_, i) =>
          b.loginFail(at + i * 60_000, `192.0.2.${10 + i}`, 'bob@example.com', 'u-2', HYDRA),
        ),
    },
    {
      name: 'account takeover: failures then a success',
      expect: [{ rule: 'authn.account_takeover', group: { 'user.id': 'u-3' } }],
      build: (at, b) => [
        ...Array.from({ length: 6 }, (_, i) =>
          b.loginFail(at + i * 20_000, '203.0.113.50', 'carol@example.com', 'u-3', HYDRA),
        ),
        b.rec(at + 150_000, 'secmon.authn.login_success', SEV.INFO, {
          'event.action': 'authn_login_success',
          'client.address': '203.0.113.50',
          'user.id': 'u-3',
          'user.hash': userHash('carol@example.com'),
          'secmon.authn.method': 'password',
        }),
      ],
    },
    {
      name: 'privilege escalation: the taken-over account becomes admin',
      expect: [{ rule: 'authz.privilege_change', group: {} }],
      build: (at, b) => [
        b.rec(at, 'secmon.authz.change', SEV.WARN, {
          'event.action': 'authz_change',
          'client.address': '203.0.113.50',
          'user.id': 'u-3',
          'user.target.id': 'u-3',
          'user.target.roles': ['customer'],
          'user.changes.roles': ['customer', 'admin'],
        }),
      ],
    },
    {
      name: 'IDOR probing: burst of authorization failures',
      expect: [{ rule: 'authz.failure_burst', group: { 'client.address': '203.0.113.70' } }],
      build: (at, b) =>
        Array.from({ length: 15 }, (_, i) =>
          b.rec(at + i * 8_000, 'secmon.authz.fail', SEV.CRITICAL, {
            'event.action': 'authz_fail',
            'error.type': 'forbidden',
            'client.address': '203.0.113.70',
            'user.id': 'u-77',
            'http.route': '/orders/:id',
            'secmon.resource.id': String(5000 + i),
          }),
        ),
    },
    {
      name: 'card testing',
      expect: [{ rule: 'payment.card_testing', group: { 'client.address': '203.0.113.80' } }],
      build: (at, b) =>
        Array.from({ length: 8 }, (_, i) =>
          b.rec(at + i * 30_000, 'secmon.payment.fail', SEV.WARN, {
            'event.action': 'payment_fail',
            'error.type': 'card_declined',
            'client.address': '203.0.113.80',
            'secmon.payment.provider': 'fakepay',
          }),
        ),
    },
    {
      name: 'content discovery scan (404s)',
      expect: [{ rule: 'web.excessive_404', group: { 'client.address': '203.0.113.90' } }],
      build: (at, b) =>
        Array.from({ length: 40 }, (_, i) =>
          b.rec(at + i * 3_000, 'secmon.access.not_found', SEV.INFO, {
            'event.action': 'access_not_found',
            'client.address': '203.0.113.90',
            'url.path': `/admin/backup-${i}.zip`,
            'user_agent.original': 'gobuster/3.6',
          }),
        ),
    },
    {
      name: 'fuzzing: burst of validation failures',
      expect: [{ rule: 'input.validation_failure_burst', group: { 'client.address': '203.0.113.100' } }],
      build: (at, b) =>
        Array.from({ length: 30 }, (_, i) =>
          b.rec(at + i * 4_000, 'secmon.input.validation_fail', SEV.WARN, {
            'event.action': 'input_validation_fail',
            'error.type': 'validation_failed',
            'client.address': '203.0.113.100',
            'secmon.input.fields': ['q'],
            'http.route': '/search',
          }),
        ),
    },
    {
      name: 'revoked API token used again',
      expect: [{ rule: 'authn.token_reuse', group: { 'secmon.token.id_hash': 'tok-5f1e' } }],
      build: (at, b) => [
        b.rec(at, 'secmon.authn.token_reuse', SEV.CRITICAL, {
          'event.action': 'authn_token_reuse',
          'error.type': 'token_revoked',
          'client.address': '203.0.113.120',
          'secmon.token.id_hash': 'tok-5f1e',
        }),
      ],
    },
  ];
}

const ATTACKER = '203.0.113.50';
const SCANNER = 'gobuster/3.6';
const BROWSER_SPOOF = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) python-requests/2.32';

/**
 * The A09 lab story, on one attacker address: content discovery (09:07), password spraying (09:20), a brute
 * force on one account that succeeds (09:32), the account grants itself admin (09:36), reads the orders of
 * every customer (09:40: the default pack has no rule for it, the lab writes one) and tests stolen cards
 * (09:50).
 */
export function labStory(): Scenario[] {
  const min = 60_000;
  const carol = { id: 'u-1042', login: 'carol@example.com' };
  return [
    {
      name: 'content discovery: a scanner looks for backups and admin pages',
      atMillis: 7 * min,
      expect: [{ rule: 'web.excessive_404', group: { 'client.address': ATTACKER } }],
      build: (at, b) =>
        [
          '/admin',
          '/admin.php',
          '/.env',
          '/.git/config',
          '/backup.zip',
          '/db.sql',
          '/wp-login.php',
          '/phpmyadmin/',
          '/server-status',
          '/api/v1/debug',
        ]
          .flatMap((p, i) => [p, `${p}.bak`, `${p}~`].map((q, j) => ({ q, t: at + (i * 3 + j) * 2_000 })))
          .map(({ q, t }) =>
            b.rec(t, 'secmon.access.not_found', SEV.INFO, {
              'event.action': 'access_not_found',
              'client.address': ATTACKER,
              'url.path': q,
              'user_agent.original': SCANNER,
              'http.response.status_code': 404,
            }),
          ),
    },
    {
      name: 'password spraying: one common password against twelve accounts',
      atMillis: 20 * min,
      expect: [{ rule: 'authn.password_spraying', group: { 'client.address': ATTACKER } }],
      build: (at, b) =>
        Array.from({ length: 12 }, (_, i) =>
          b.loginFail(
            at + i * 40_000,
            ATTACKER,
            `user${String(i * 37).padStart(4, '0')}@example.com`,
            `u-${1000 + i * 37}`,
            BROWSER_SPOOF,
          ),
        ),
    },
    {
      name: 'brute force on carol, then a successful login: account takeover',
      atMillis: 32 * min,
      expect: [
        { rule: 'authn.brute_force.client', group: { 'client.address': ATTACKER } },
        { rule: 'authn.account_takeover', group: { 'user.id': carol.id } },
      ],
      build: (at, b) => [
        ...Array.from({ length: 14 }, (_, i) =>
          b.loginFail(at + i * 9_000, ATTACKER, carol.login, carol.id, BROWSER_SPOOF),
        ),
        b.rec(at + 14 * 9_000, 'secmon.authn.login_success', SEV.INFO, {
          'event.action': 'authn_login_success',
          'event.outcome': 'success',
          'client.address': ATTACKER,
          'user.id': carol.id,
          'user.hash': userHash(carol.login),
          'user_agent.original': BROWSER_SPOOF,
          'http.route': '/login',
          'secmon.authn.method': 'password',
        }),
      ],
    },
    {
      name: 'privilege escalation through a mass-assignment bug: carol becomes admin',
      atMillis: 36 * min,
      expect: [{ rule: 'authz.privilege_change', group: {} }],
      build: (at, b) => [
        b.rec(at, 'secmon.authz.change', SEV.WARN, {
          'event.action': 'authz_change',
          'client.address': ATTACKER,
          'user.id': carol.id,
          'user.target.id': carol.id,
          'user.target.roles': ['customer'],
          'user.changes.roles': ['customer', 'admin'],
          'http.route': '/account/profile',
        }),
      ],
    },
    {
      name: 'data theft: the orders of every customer read in a few minutes (no default rule: the lab writes one)',
      atMillis: 40 * min,
      expect: [],
      build: (at, b) =>
        Array.from({ length: 80 }, (_, i) =>
          b.rec(at + i * 2_500, 'secmon.sensitive.read', SEV.WARN, {
            'event.action': 'sensitive_read',
            'client.address': ATTACKER,
            'user.id': carol.id,
            'user.roles': ['customer', 'admin'],
            'secmon.resource.type': 'order',
            'secmon.resource.id': String(20_000 + i * 13),
            'http.route': '/admin/orders/:id',
            'user_agent.original': BROWSER_SPOOF,
          }),
        ),
    },
    {
      name: 'card testing with stolen card numbers',
      atMillis: 50 * min,
      expect: [{ rule: 'payment.card_testing', group: { 'client.address': ATTACKER } }],
      build: (at, b) =>
        Array.from({ length: 7 }, (_, i) =>
          b.rec(at + i * 25_000, 'secmon.payment.fail', SEV.WARN, {
            'event.action': 'payment_fail',
            'event.outcome': 'failure',
            'error.type': i % 3 === 0 ? 'insufficient_funds' : 'card_declined',
            'client.address': ATTACKER,
            'user.id': carol.id,
            'secmon.payment.provider': 'fakepay',
          }),
        ),
    },
  ];
}
