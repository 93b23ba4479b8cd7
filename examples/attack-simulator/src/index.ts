// Public surface of the attack simulator (used by the demo runner and the end-to-end test).
export { Simulator } from './Simulator.js';
export type { SimulatorOptions, SimulatorListener, ScenarioResult } from './Simulator.js';
export { ShopClient } from './ShopClient.js';
export type { ShopClientOptions, ShopResponse, ShopRequest } from './ShopClient.js';
export {
  SCENARIOS,
  CARDS,
  TESTED_CARDS,
  INJECTION_MARKER,
  STUFFING_ADDRESSES,
  STUFFING_COMBOS,
  DISTRIBUTED_ADDRESSES,
  isBlocked,
} from './scenarios.js';
export { OutcomeRecorder } from './Scenario.js';
export type { Scenario, ScenarioKind, ScenarioContext, ScenarioOutcome } from './Scenario.js';
export { CUSTOMERS, ADMIN, SPRAY_PASSWORDS, GUESSED_USERNAMES, WORDLIST, leakedCombos } from './accounts.js';
export type { Credentials } from './accounts.js';
export { CUSTOMER_NET, ATTACKER_NET, BOTNET_NET, address, isDocumentationAddress } from './addresses.js';
