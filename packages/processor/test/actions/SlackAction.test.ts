import { afterEach, describe, expect, it } from 'vitest';
import { SlackAction } from '../../src/index.js';
import { makeAlert } from '../support/alerts.js';
import { startHttpServer } from '@secmon/test-utils';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('SlackAction', () => {
  describe('send', () => {
    it('should post an incoming-webhook message with the alert facts', async () => {
      const s = await startHttpServer();
      closers.push(() => s.close());
      const alert = makeAlert();
      await new SlackAction({ webhookUrl: s.url }).send(alert, new AbortController().signal);
      expect(s.requests).toHaveLength(1);
      const msg = JSON.parse(s.requests[0]!.body) as {
        text: string;
        blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
      };
      expect(msg.text).toBe('[HIGH] Brute force from one client address (client.address=203.0.113.7)');
      expect(msg.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'HIGH: Brute force from one client address' },
      });
      const fields = msg.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);
      expect(fields).toContain('*client.address*\n203.0.113.7');
      expect(fields).toContain('*Count*\n3 (threshold 3 in 5m)');
      expect(fields).toContain('*Suggested response*\nblock_client for 15m');
      expect(fields).toContain('*Runbook*\nhttps://runbooks.example/brute-force');
      expect(JSON.stringify(msg)).toContain(alert.id);
    });

    it('should escape Slack control characters and neutralise control characters from event data', async () => {
      const s = await startHttpServer();
      closers.push(() => s.close());
      await new SlackAction({ webhookUrl: s.url }).send(
        makeAlert('<!channel> & \n evil'),
        new AbortController().signal,
      );
      const body = s.requests[0]!.body;
      expect(body).not.toContain('<!channel>');
      expect(body).toContain('&lt;!channel&gt; &amp; \\\\n evil');
    });
  });
});
