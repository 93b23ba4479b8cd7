import { CUSTOMER_NET, ATTACKER_NET, BOTNET_NET, address } from './addresses.js';
import { ADMIN, CUSTOMERS, GUESSED_USERNAMES, SPRAY_PASSWORDS, WORDLIST, leakedCombos } from './accounts.js';
import type { Scenario } from './Scenario.js';
import type { ShopResponse } from './ShopClient.js';

/** Test card numbers of the shop's fake gateway (sandbox PANs, never real cards). */
export const CARDS = {
  approved: { number: '4242424242424242', expiry: '12/30', cvc: '123' },
  insufficientFunds: { number: '4000000000009995', expiry: '12/30', cvc: '123' },
} as const;

/** Card numbers a card tester cycles through (Luhn-valid test PANs, declined by the fake gateway). */
export const TESTED_CARDS = [
  '4000000000000002',
  '4000000000009995',
  '4000000000000069',
  '4000000000000127',
  '4111111111111111',
  '4012888888881881',
  '5105105105105100',
  '4000056655665556',
  '5200828282828210',
  '4000002500003155',
  '4000000000003220',
  '4000000000000341',
] as const;

/** Text that a log-injection payload tries to smuggle in as a forged log line. The e2e test looks for it. */
export const INJECTION_MARKER = 'FORGED-ENTRY';

/**
 * True when the shop refused the request because the client, the user or the account typed at login is
 * blocked by an alert response: 403 Forbidden **with** `Retry-After` (when the block ends). An ordinary
 * access-control denial is a 403 without it.
 */
export function isBlocked(response: ShopResponse): boolean {
  return response.status === 403 && response.retryAfter !== undefined;
}

const benign: Scenario = {
  id: 'benign',
  title: 'Benign customers',
  kind: 'benign',
  description:
    'Customers log in (one typo), browse, pay (one card declined once), read their orders, log out.',
  addresses: [address(CUSTOMER_NET, 10), address(CUSTOMER_NET, 11), address(CUSTOMER_NET, 12)],
  expectedRules: [],
  async run(ctx, rec) {
    const people = [CUSTOMERS.alice, CUSTOMERS.bob, CUSTOMERS.erin];
    for (const [i, person] of people.entries()) {
      const c = ctx.client(this.addresses[i] ?? address(CUSTOMER_NET, 10 + i));
      rec.record((await c.request('GET', '/products')).status);
      if (person === CUSTOMERS.bob) {
        // A typo, then the right password: one failure must not look like an attack.
        rec.record((await c.login(person.username, `${person.password}x`)).status);
      }
      rec.record((await c.login(person.username, person.password)).status);
      rec.record((await c.request('GET', '/account')).status);
      const paid = await c.pay(1999 + i * 100, CARDS.approved);
      rec.record(paid.status);
      if (person === CUSTOMERS.erin) {
        rec.record((await c.pay(4999, CARDS.insufficientFunds)).status);
      }
      const orders = await c.request('GET', '/orders');
      rec.record(orders.status);
      const order = (paid.body as { order?: { id?: string } } | undefined)?.order?.id;
      if (order) rec.record((await c.request('GET', `/orders/${encodeURIComponent(order)}`)).status);
      rec.record((await c.logout()).status);
      ctx.step(`${person.username} shopped and logged out`);
    }
    rec.note('3 customers, 1 typo, 1 declined card');
  },
};

const adminWork: Scenario = {
  id: 'admin',
  title: 'Admin at work',
  kind: 'audit',
  description:
    'The admin changes a configuration value, promotes a user, deletes an old account and exports data.',
  addresses: [address(CUSTOMER_NET, 50)],
  expectedRules: ['authz.admin_activity', 'authz.privilege_change'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(CUSTOMER_NET, 50));
    rec.record((await c.login(ADMIN.username, ADMIN.password)).status);
    rec.record((await c.request('GET', '/admin/users')).status);
    rec.record(
      (await c.request('PUT', '/admin/config/payments.max_amount_cents', { body: { value: '75000' } }))
        .status,
    );
    ctx.step('changed payments.max_amount_cents');
    const users = (await c.request('GET', '/admin/users')).body as {
      users?: { id: string; username: string }[];
    };
    const erin = users.users?.find((u) => u.username === 'erin');
    const frank = users.users?.find((u) => u.username === 'frank');
    if (erin)
      rec.record(
        (await c.request('PUT', `/admin/users/${erin.id}/role`, { body: { role: 'support' } })).status,
      );
    ctx.step('promoted erin to support');
    if (frank) rec.record((await c.request('DELETE', `/admin/users/${frank.id}`)).status);
    ctx.step('deleted the dormant account frank');
    rec.record((await c.request('GET', '/admin/export')).status);
    ctx.step('exported customer data');
    rec.record((await c.logout()).status);
  },
};

const bruteForce: Scenario = {
  id: 'brute-force',
  title: 'Brute force',
  kind: 'attack',
  description: 'One address tries a wordlist against one account until the shop blocks it.',
  addresses: [address(ATTACKER_NET, 66)],
  expectedRules: ['authn.brute_force.client'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 66), 'python-requests/2.32');
    let attempts = 0;
    for (const password of WORDLIST) {
      const r = await c.login(CUSTOMERS.alice.username, password);
      rec.record(r.status);
      attempts++;
      if (isBlocked(r)) {
        rec.note(`blocked (HTTP ${r.status}) after ${attempts - 1} failed logins`);
        ctx.step(`blocked after ${attempts - 1} attempts`);
        // Still blocked on other routes too.
        const again = await c.request('GET', '/products');
        rec.record(again.status);
        if (isBlocked(again)) rec.note('block also applies to the rest of the shop');
        return;
      }
    }
    rec.note(`never blocked after ${attempts} attempts`);
    ctx.step(`${attempts} attempts, not blocked`);
  },
};

const spraying: Scenario = {
  id: 'password-spraying',
  title: 'Password spraying',
  kind: 'attack',
  description: 'One address tries two common passwords against many usernames (few attempts per account).',
  addresses: [address(ATTACKER_NET, 77)],
  expectedRules: ['authn.password_spraying'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 77), 'Mozilla/5.0 (spray)');
    for (const password of SPRAY_PASSWORDS.slice(0, 1)) {
      for (const username of GUESSED_USERNAMES) {
        const r = await c.login(username, password);
        rec.record(r.status);
        if (isBlocked(r)) {
          rec.note(`blocked (HTTP ${r.status})`);
          return;
        }
      }
    }
    ctx.step(`${GUESSED_USERNAMES.length} accounts tried`);
  },
};

/**
 * Size of the credential-stuffing botnet and of its combo list. The default rule counts distinct accounts
 * **and** distinct addresses service-wide (50 of each in 10 minutes): the botnet is larger than that, and
 * every fifth address tries a second pair, so both counts cross the threshold with some margin.
 */
export const STUFFING_ADDRESSES = 60;
export const STUFFING_COMBOS = 72;

const stuffing: Scenario = {
  id: 'credential-stuffing',
  title: 'Credential stuffing',
  kind: 'attack',
  description: 'A botnet replays a leaked combo list: each address tries one or two username:password pairs.',
  addresses: Array.from({ length: STUFFING_ADDRESSES }, (_, i) => address(BOTNET_NET, 10 + i)),
  expectedRules: ['authn.credential_stuffing'],
  async run(ctx, rec) {
    const combos = leakedCombos(STUFFING_COMBOS);
    for (const [i, combo] of combos.entries()) {
      const from = this.addresses[i % this.addresses.length] ?? address(BOTNET_NET, 10);
      const c = ctx.client(from, 'okhttp/4.12.0');
      rec.record((await c.login(combo.username, combo.password)).status);
    }
    ctx.step(`${combos.length} leaked pairs from ${this.addresses.length} addresses`);
  },
};

/** Botnet addresses of the distributed brute force (apart from the credential-stuffing botnet's). */
export const DISTRIBUTED_ADDRESSES = 12;

const distributedBruteForce: Scenario = {
  id: 'distributed-brute-force',
  title: 'Distributed brute force on one account',
  kind: 'attack',
  description:
    "A botnet guesses the admin's password, one attempt per address: under every per-address threshold, until the account is locked.",
  addresses: Array.from({ length: DISTRIBUTED_ADDRESSES }, (_, i) => address(BOTNET_NET, 200 + i)),
  expectedRules: ['authn.distributed_brute_force.user'],
  async run(ctx, rec) {
    let failed = 0;
    for (const [i, from] of this.addresses.entries()) {
      const c = ctx.client(from, 'Mozilla/5.0 (botnet)');
      const r = await c.login(ADMIN.username, WORDLIST[(i + 15) % WORDLIST.length] ?? 'guess');
      rec.record(r.status);
      if (isBlocked(r)) {
        rec.note(`account locked (HTTP ${r.status}) after ${failed} failed logins, one per address`);
        ctx.step(`account locked after ${failed} guesses from ${failed} addresses`);
        // The lock is checked before the password: even the right one is refused while it holds.
        const next = this.addresses[i + 1] ?? address(BOTNET_NET, 250);
        const right = await ctx.client(next, 'Mozilla/5.0 (botnet)').login(ADMIN.username, ADMIN.password);
        rec.record(right.status);
        if (isBlocked(right)) {
          rec.note('the right password, tried next, was refused too');
          ctx.step('the right password, tried next from another address, refused too');
        }
        return;
      }
      if (r.status === 401) failed++;
    }
    rec.note(`never locked after ${failed} failed logins from ${this.addresses.length} addresses`);
    ctx.step(`${failed} guesses, account not locked`);
  },
};

const takeover: Scenario = {
  id: 'account-takeover',
  title: 'Account takeover',
  kind: 'attack',
  description: "Failed guesses on bob's account, then a login that works with his reused password.",
  addresses: [address(ATTACKER_NET, 90)],
  expectedRules: ['authn.account_takeover'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 90), 'Mozilla/5.0 (takeover)');
    for (const password of WORDLIST.slice(10, 15)) {
      rec.record((await c.login(CUSTOMERS.bob.username, password)).status);
    }
    const r = await c.login(CUSTOMERS.bob.username, CUSTOMERS.bob.password);
    rec.record(r.status);
    if (r.status === 200) {
      rec.note('logged in as bob after 5 failures');
      const after = await c.request('GET', '/account');
      rec.record(after.status);
      if (isBlocked(after)) rec.note(`then locked out (HTTP ${after.status})`);
      return;
      ctx.step('attacker is in as bob');
    } else {
      rec.note(`final login answered HTTP ${r.status}`);
    }
  },
};

const cardTesting: Scenario = {
  id: 'card-testing',
  title: 'Card testing',
  kind: 'attack',
  description: 'A logged-in account tries stolen card numbers with small amounts to find the live ones.',
  addresses: [address(ATTACKER_NET, 101)],
  expectedRules: ['payment.card_testing'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 101), 'Mozilla/5.0 (carder)');
    rec.record((await c.login(CUSTOMERS.trudy.username, CUSTOMERS.trudy.password)).status);
    let declined = 0;
    for (const number of TESTED_CARDS) {
      const r = await c.pay(100, { number, expiry: '11/29', cvc: '321' });
      rec.record(r.status);
      if (isBlocked(r)) {
        rec.note(`blocked (HTTP ${r.status}) after ${declined} declines`);
        return;
      }
      if (r.status === 402) declined++;
    }
    rec.note(`${declined} of ${TESTED_CARDS.length} cards declined`);
    ctx.step(`${TESTED_CARDS.length} cards tried, ${declined} declined`);
  },
};

const privilegeEscalation: Scenario = {
  id: 'privilege-escalation',
  title: 'Privilege escalation',
  kind: 'attack',
  description: 'A customer account probes admin endpoints and tries to make itself admin.',
  addresses: [address(ATTACKER_NET, 110)],
  expectedRules: ['authz.failure_burst'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 110), 'Mozilla/5.0 (escalation)');
    const login = await c.login(CUSTOMERS.mallory.username, CUSTOMERS.mallory.password);
    rec.record(login.status);
    const me = (await c.request('GET', '/account')).body as { user?: { id?: string } } | undefined;
    const myId = me?.user?.id ?? 'unknown';
    const probes: [string, string, unknown?][] = [
      ['GET', '/admin/users'],
      ['GET', '/admin/config'],
      ['PUT', `/admin/users/${myId}/role`, { role: 'admin' }],
      ['PUT', '/admin/config/payments.max_amount_cents', { value: '9999999' }],
      ['DELETE', '/admin/users/u-00000001'],
      ['GET', '/admin/export'],
      ['PUT', `/admin/users/${myId}/role`, { role: 'support' }],
      ['GET', '/admin/users'],
      ['GET', '/admin/config'],
      ['PUT', '/admin/config/shop.maintenance_mode', { value: 'true' }],
      ['DELETE', '/admin/users/u-00000002'],
      ['GET', '/admin/export'],
    ];
    let denied = 0;
    let sent = 0;
    for (const [method, path, body] of probes) {
      const r = await c.request(method, path, body === undefined ? {} : { body });
      rec.record(r.status);
      sent++;
      if (isBlocked(r)) {
        rec.note(`${denied} admin requests denied, then blocked (HTTP ${r.status})`);
        ctx.step(`${denied} admin requests denied, then blocked`);
        return;
      }
      if (r.status === 403) denied++;
    }
    rec.note(`${denied} of ${sent} admin requests denied`);
    ctx.step(`${denied}/${sent} admin requests denied`);
  },
};

const FORCED_PATHS = [
  '/.env',
  '/.git/config',
  '/admin.php',
  '/wp-login.php',
  '/wp-admin/',
  '/phpmyadmin/',
  '/backup.zip',
  '/db.sql',
  '/config.json',
  '/server-status',
  '/.aws/credentials',
  '/api/v1/debug',
  '/actuator/env',
  '/console',
  '/orders/../../etc/passwd',
  '/admin/../.htpasswd',
  '/.DS_Store',
  '/old/index.bak',
  '/test.php',
  '/shell.php',
  '/cgi-bin/test.cgi',
  '/.svn/entries',
  '/dump.tar.gz',
  '/id_rsa',
];

const forcedBrowsing: Scenario = {
  id: 'forced-browsing',
  title: 'Forced browsing',
  kind: 'attack',
  description: 'A scanner requests well-known sensitive paths that do not exist.',
  addresses: [address(ATTACKER_NET, 120)],
  expectedRules: ['web.excessive_404'],
  async run(ctx, rec) {
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 120), 'Nikto/2.5.0');
    let notFound = 0;
    let probed = 0;
    for (const path of FORCED_PATHS) {
      const r = await c.request('GET', path);
      rec.record(r.status);
      probed++;
      if (r.status === 404) notFound++;
      if (isBlocked(r)) {
        rec.note(`blocked (HTTP ${r.status}) after ${notFound} missing paths`);
        break;
      }
    }
    ctx.step(`${probed} of ${FORCED_PATHS.length} paths probed, ${notFound} not found`);
  },
};

/** Log-injection payloads (CWE-117): each tries to end the log line, forge a new one, or rewrite a terminal. */
const INJECTION_PAYLOADS = [
  `\r\n2026-01-01T00:00:00Z INFO ${INJECTION_MARKER} authn_login_success user=admin`,
  `\n{"eventName":"secmon.authn.login_success","user.id":"${INJECTION_MARKER}"}`,
  `\u001b[2J\u001b[H${INJECTION_MARKER}`,
  `\u001b[31m${INJECTION_MARKER}\u001b[0m`,
  `\u202e${INJECTION_MARKER}\u202c`,
  `\u2028${INJECTION_MARKER}\u2029`,
  `\u0085${INJECTION_MARKER}\u009b2J`,
  `\u0000${INJECTION_MARKER}\b\b\b\b`,
  `|${INJECTION_MARKER}|severity=10|\n`,
  `\u2066${INJECTION_MARKER}\u2069\u000b\f`,
] as const;

const logInjection: Scenario = {
  id: 'log-injection',
  title: 'Log injection',
  kind: 'attack',
  description:
    'CR/LF, ANSI escapes, bidi overrides and C1 controls in usernames, field names, the User-Agent and the path try to forge log lines and rewrite terminals.',
  addresses: [address(ATTACKER_NET, 150)],
  expectedRules: ['input.validation_failure_burst'],
  async run(ctx, rec) {
    // HTTP header values cannot carry CR/LF, but Latin-1 C1 controls pass (NEL, 8-bit CSI).
    const userAgent = `Mozilla/5.0 \u0085${INJECTION_MARKER}\u009b2J`;
    const c = ctx.client(this.addresses[0] ?? address(ATTACKER_NET, 150), userAgent);
    // Control characters in the path (percent-encoded) of a page that does not exist.
    rec.record((await c.request('GET', `/products/%0d%0a${INJECTION_MARKER}%1b%5b2J`)).status);
    let sent = 1;
    for (const payload of INJECTION_PAYLOADS) {
      // In a value (the username) ...
      const a = await c.login(`alice${payload}`, 'x');
      // ... and in a field name (field names are reported, so they are attacker-controlled too).
      const b = await c.login('alice', 'x', { [`role${payload}`]: 'admin' });
      rec.record(a.status);
      rec.record(b.status);
      sent += 2;
      if (isBlocked(a) || isBlocked(b)) {
        rec.note(`blocked (HTTP ${isBlocked(a) ? a.status : b.status}) after ${sent} payloads`);
        ctx.step(`blocked after ${sent} payloads`);
        return;
      }
    }
    ctx.step(`${sent} payloads sent`);
  },
};

/** Every scenario, in the order the demo plays them. */
export const SCENARIOS: readonly Scenario[] = [
  benign,
  adminWork,
  bruteForce,
  spraying,
  stuffing,
  distributedBruteForce,
  takeover,
  cardTesting,
  privilegeEscalation,
  forcedBrowsing,
  logInjection,
];
