import type { SeedUser } from './domain/UserStore.js';

/**
 * The demo's accounts. Passwords are here because the attack simulator plays these people (it has its own
 * copy, checked equal by a test); the shop only ever stores their scrypt hashes. Never reuse them.
 */
export const DEMO_USERS: readonly SeedUser[] = [
  { username: 'alice', email: 'alice@shop.example', role: 'customer', password: 'Alice-garden-42-tulips' },
  { username: 'bob', email: 'bob@shop.example', role: 'customer', password: 'bob-Rides-7-bikes!' },
  { username: 'erin', email: 'erin@shop.example', role: 'customer', password: 'Erin.reads.9.novels' },
  { username: 'frank', email: 'frank@shop.example', role: 'customer', password: 'frank-Old-account-2019' },
  {
    username: 'mallory',
    email: 'mallory@shop.example',
    role: 'customer',
    password: 'Mallory-tries-3-things',
  },
  { username: 'trudy', email: 'trudy@shop.example', role: 'customer', password: 'Trudy-buys-5-giftcards' },
  { username: 'carol', email: 'carol@shop.example', role: 'admin', password: 'Carol-admin-Passphrase-88' },
];
