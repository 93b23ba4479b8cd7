import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionDispatcher, EmailAction } from '../../src/index.js';
import { makeAlert } from '../support/alerts.js';
import { describeWithServices, smtpUnavailableReason, startSmtpServer } from '@secmon/test-utils';

await describeWithServices('EmailAction', { smtp: () => smtpUnavailableReason() ?? true }, () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  describe('send', () => {
    it('should deliver the alert as a plain-text email to a real SMTP server', async () => {
      const action = new EmailAction({
        smtp: { host: '127.0.0.1', port: smtp.port },
        from: 'secmon@shop.example',
        to: ['soc@shop.example', 'oncall@shop.example'],
      });
      const alert = makeAlert();
      await action.send(alert, new AbortController().signal);
      action.close();
      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.headers['subject']).toBe(
        '[secmon] [HIGH] Brute force from one client address (client.address=203.0.113.7)',
      );
      expect(mail!.headers['from']).toBe('secmon@shop.example');
      expect(mail!.headers['to']).toBe('soc@shop.example, oncall@shop.example');
      expect(mail!.headers['x-secmon-alert-id']).toBe(alert.id);
      expect(mail!.headers['x-secmon-rule-id']).toBe('test.brute_force');
      expect(mail!.text).toContain('client.address: 203.0.113.7');
      expect(mail!.text).toContain('Count: 3 (threshold 3 in 5m)');
      expect(mail!.text).toContain('Runbook: https://runbooks.example/brute-force');
      expect(mail!.text).toContain(`Alert id: ${alert.id}`);
    });

    it('should keep CR/LF from event data out of the subject (no header injection)', async () => {
      const action = new EmailAction({
        smtp: { host: '127.0.0.1', port: smtp.port },
        from: 'secmon@shop.example',
        to: 'soc@shop.example',
      });
      await action.send(makeAlert('1.2.3.4\r\nBcc: victim@evil.example'), new AbortController().signal);
      action.close();
      const mails = await smtp.waitForMessages(2);
      const mail = mails[1]!;
      expect(mail.headers['bcc']).toBeUndefined();
      expect(mail.headers['subject']).toContain('1.2.3.4\\r\\nBcc: victim@evil.example');
    });

    it('should retry while the SMTP server is unreachable and give up after the budget', async () => {
      const action = new EmailAction({
        smtp: { host: '127.0.0.1', port: 1, timeoutMillis: 500 },
        from: 'a@b.example',
        to: 'c@d.example',
      });
      const d = new ActionDispatcher({ actions: [action], maxAttempts: 2, retryBaseMillis: 5 });
      d.enqueue(makeAlert());
      await d.flush();
      expect(d.stats()).toMatchObject({ delivered: 0, failures: 2, abandoned: 1 });
      action.close();
    });
  });
});
