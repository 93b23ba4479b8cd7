import {
  CARDS as SIM_CARDS,
  SPRAY_PASSWORDS,
  STUFFING_COMBOS,
  TESTED_CARDS,
  WORDLIST,
  leakedCombos,
} from '@secmon/example-attack-simulator';
import { DEMO_USERS } from '../../src/demoUsers.js';

/** Every password the simulation types. None may appear in any output. */
export const DEMO_PASSWORDS_FOR_TEST: readonly string[] = [
  ...DEMO_USERS.map((u) => u.password),
  ...WORDLIST,
  ...SPRAY_PASSWORDS,
  ...leakedCombos(STUFFING_COMBOS).map((c) => c.password),
];

/** Every card number the simulation submits. None may appear in any output. */
export const CARDS: readonly string[] = [
  ...TESTED_CARDS,
  SIM_CARDS.approved.number,
  SIM_CARDS.insufficientFunds.number,
];
