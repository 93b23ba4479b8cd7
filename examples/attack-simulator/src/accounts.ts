/**
 * What the simulated people know. Customers know their own passwords; the attacker holds a "leaked" list
 * (credential stuffing) in which one entry is a real customer's reused password (account takeover).
 * They must match the shop's demo seed (examples/express-shop/src/demoUsers.ts; a test checks it).
 */
export interface Credentials {
  username: string;
  password: string;
}

export const CUSTOMERS = {
  alice: { username: 'alice', password: 'Alice-garden-42-tulips' },
  bob: { username: 'bob', password: 'bob-Rides-7-bikes!' },
  erin: { username: 'erin', password: 'Erin.reads.9.novels' },
  frank: { username: 'frank', password: 'frank-Old-account-2019' },
  mallory: { username: 'mallory', password: 'Mallory-tries-3-things' },
  trudy: { username: 'trudy', password: 'Trudy-buys-5-giftcards' },
} as const satisfies Record<string, Credentials>;

export const ADMIN: Credentials = { username: 'carol', password: 'Carol-admin-Passphrase-88' };

/** Passwords an attacker tries first (spraying): common, policy-compliant-looking. */
export const SPRAY_PASSWORDS = ['Winter2025!', 'Welcome-123'] as const;

/** Usernames an attacker guesses (some exist, some do not). */
export const GUESSED_USERNAMES = [
  // Accounts that do not exist first: a sprayer's list is mostly guesses.
  'admin',
  'root',
  'administrator',
  'support',
  'test',
  'guest',
  'info',
  'sales',
  'webmaster',
  'demo',
  'alice',
  'bob',
  'carol',
  'erin',
] as const;

/** Wordlist for brute force (none is a real password of the shop). */
export const WORDLIST = [
  'password1!',
  'Qwerty-uiop',
  'letmein-now',
  'Dragon#2026',
  'monkey-business',
  'iloveyou-xo',
  'trustno1-ever',
  'sunshine-day',
  'Football#1',
  'Baseball-99',
  'Shadow-master',
  'Superman-77',
  'Princess-22',
  'Starwars-1977',
  'Michael-2000',
  'Jennifer-88',
  'Whatever-x',
  'Freedom-76',
  'Charlie-dog',
  'Ashley-1234',
] as const;

/** A "leaked" combo list from another site: user:password pairs, reused elsewhere. */
export function leakedCombos(count: number): Credentials[] {
  const combos: Credentials[] = [];
  for (let i = 0; i < count; i++)
    combos.push({ username: `user${1000 + i}@mail.example`, password: `Leaked-pw-${i}-xyz` });
  return combos;
}
