import { RuleEngine, defineRule } from '@secmon/processor';
import type { Alert } from '@secmon/processor';
import { describe, expect, it } from 'vitest';
import { ConsoleAlertAction } from '../../src/telemetry/ConsoleAlertAction.js';

/** One real alert from the real engine, grouped by a value the client chose (the requested path). */
function alertFor(path: string): Alert {
  const rule = defineRule({
    id: 'shop.probe',
    title: 'Probe',
    type: 'event_count',
    match: { event: 'secmon.access.not_found' },
    groupBy: ['url.path'],
    timespan: '1m',
    severity: 'medium',
    response: { action: 'review' },
  });
  const [alert] = new RuleEngine({ rules: [rule] }).process({
    eventName: 'secmon.access.not_found',
    timeUnixNano: `${Date.now()}000000`,
    attributes: { 'url.path': path },
  });
  if (!alert) throw new Error('no alert');
  return alert;
}

describe('ConsoleAlertAction', () => {
  describe('send', () => {
    it('should print one line with the rule, severity, group, count and response', async () => {
      const lines: string[] = [];
      await new ConsoleAlertAction({ write: (l) => lines.push(l) }).send(
        alertFor('/.env'),
        new AbortController().signal,
      );
      expect(lines).toEqual(['secmon ALERT [medium] shop.probe url.path=/.env count=1 response=review']);
    });

    it('should print attacker-controlled group values escaped, on one line', async () => {
      const lines: string[] = [];
      await new ConsoleAlertAction({ write: (l) => lines.push(l) }).send(
        alertFor('/x\r\nsecmon ALERT forged\u001b[2J'),
        new AbortController().signal,
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('url.path=/x\\r\\nsecmon ALERT forged\\u{1b}[2J');
      // eslint-disable-next-line no-control-regex -- asserting their absence
      expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    });
  });
});
