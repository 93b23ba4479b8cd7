// The shop's entry point: OpenTelemetry + secmon first, then the app, on 127.0.0.1.
//   node --conditions=@secmon/source --import ../../scripts/source-hooks.mjs src/main.ts
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { readShopOptions } from './ShopOptions.js';
import { startTelemetry } from './telemetry/startTelemetry.js';
import { securityMiddleware } from './http/securityMiddleware.js';
import { createShopApp } from './app.js';
import { ConfigStore } from './domain/ConfigStore.js';
import { OrderStore } from './domain/OrderStore.js';
import { PasswordHasher } from './domain/PasswordHasher.js';
import { PaymentGateway } from './domain/PaymentGateway.js';
import { SessionStore } from './domain/SessionStore.js';
import { UserStore } from './domain/UserStore.js';
import { DEMO_USERS } from './demoUsers.js';
import { requestSpan } from './telemetry/requestSpan.js';

const options = readShopOptions();
const telemetry = await startTelemetry(options);

const users = new UserStore(new PasswordHasher({ log2Cost: options.scryptLog2Cost }));
await users.seed(DEMO_USERS);

const secmon = securityMiddleware({
  security: telemetry.security,
  blockList: telemetry.blockList,
  trustForwarded: options.trustForwarded,
});
const app = createShopApp({
  context: {
    users,
    sessions: new SessionStore({ secret: randomBytes(32) }),
    orders: new OrderStore(),
    gateway: new PaymentGateway(),
    config: new ConfigStore(),
    security: telemetry.security,
    refuseLockedLogin: secmon.refuseLockedLogin,
    secureCookies: false, // plain HTTP on loopback; behind TLS in production set it to true
  },
  trustProxy: options.trustForwarded ? 'loopback' : false,
  first: [requestSpan, ...secmon.first],
  afterAuthentication: secmon.afterAuthentication,
});

const server = app.listen(options.port, '127.0.0.1');
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await telemetry.shutdown();
  process.exit(code);
}
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));

console.log(`express-shop listening on ${url}`);
console.log(`  pipeline: ${telemetry.describe}`);
if (telemetry.files)
  console.log(`  events and alerts: ${telemetry.files.events}\n  traces: ${telemetry.files.traces}`);
if (options.trustForwarded) console.log('  DEMO MODE: X-Forwarded-For is trusted from loopback peers');

// The demo runner (scripts/demo.mjs) forks the shop and talks to it over IPC.
if (typeof process.send === 'function') {
  process.on('message', (message: { type?: string; id?: number }) => {
    const reply = () => process.send?.({ type: 'reply', id: message.id });
    if (message.type === 'sync') reply();
    else if (message.type === 'flush') {
      const replyWithStats = () =>
        process.send?.({ type: 'reply', id: message.id, exportStats: telemetry.exportStats() });
      telemetry.forceFlush().then(replyWithStats, replyWithStats);
    } else if (message.type === 'shutdown') void stop(0);
  });
  process.send({
    type: 'ready',
    url,
    pipeline: telemetry.describe,
    rules: telemetry.ruleIds.length,
    ruleIds: telemetry.ruleIds,
    files: telemetry.files,
  });
}
