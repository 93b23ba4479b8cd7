// The SMTP server needs python3 with aiosmtpd: skipped locally with the reason printed when it is missing, a
// failure when CI=true (describeWithServices).
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithServices, smtpUnavailableReason, startSmtpServer } from '../src/index.js';
import type { SmtpTestServer } from '../src/index.js';

/**
 * A minimal SMTP client speaking the protocol on the wire (RFC 5321): each command waits for its reply code, so a
 * test sees exactly what the server accepted. `data` is sent as is, terminated by `<CRLF>.<CRLF>`.
 */
async function sendMail(port: number, from: string, to: string, data: string): Promise<string[]> {
  const sock = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let waiting: ((line: string) => void) | undefined;
  sock.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    // A reply ends with a line "NNN text" (a space after the code); "NNN-text" lines continue it.
    for (
      let m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buffer);
      m !== null;
      m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buffer)
    ) {
      buffer = buffer.slice(m.index + m[0].length);
      replies.push(m[0].trim());
      waiting?.(m[0]);
    }
  });
  const reply = (): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting = resolve;
      sock.once('error', reject);
    });
  const command = async (line: string, expected: string): Promise<void> => {
    const next = reply();
    sock.write(`${line}\r\n`);
    const r = await next;
    if (!r.startsWith(expected)) throw new Error(`${line.split(' ')[0]}: ${r.trim()}`);
  };
  const banner = await reply();
  expect(banner.startsWith('220')).toBe(true);
  await command('HELO test.example', '250');
  await command(`MAIL FROM:<${from}>`, '250');
  await command(`RCPT TO:<${to}>`, '250');
  await command('DATA', '354');
  await command(`${data.replace(/\r?\n/g, '\r\n')}\r\n.`, '250');
  await command('QUIT', '221');
  sock.destroy();
  return replies;
}

await describeWithServices('startSmtpServer', { smtp: () => smtpUnavailableReason() ?? true }, () => {
  let smtp: SmtpTestServer | undefined;

  afterEach(async () => {
    await smtp?.stop();
    smtp = undefined;
  });

  describe('start', () => {
    it('should listen on loopback on a free port and greet with a 220 banner', async () => {
      smtp = await startSmtpServer();
      expect(smtp.host).toBe('127.0.0.1');
      expect(smtp.port).toBeGreaterThan(0);
      const banner = await new Promise<string>((resolve, reject) => {
        const sock = connect(smtp!.port, '127.0.0.1');
        sock.once('data', (d) => {
          sock.destroy();
          resolve(d.toString());
        });
        sock.once('error', reject);
      });
      expect(banner).toMatch(/^220 /);
      expect(smtp.messages()).toEqual([]);
    });
  });

  describe('messages', () => {
    it('should read back a delivered message: lowercase headers, folded lines unfolded, quoted-printable decoded', async () => {
      smtp = await startSmtpServer();
      await sendMail(
        smtp.port,
        'secmon@example.com',
        'soc@example.com',
        [
          'From: secmon@example.com',
          'To: soc@example.com',
          'Subject: [secmon] a subject folded',
          '  onto two lines',
          'X-Secmon-Rule-Id: authn.brute_force.client',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'client.address: 203.0.113.7 =3D a soft=',
          ' line break',
        ].join('\n'),
      );
      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.headers['from']).toBe('secmon@example.com');
      expect(mail!.headers['subject']).toBe('[secmon] a subject folded onto two lines');
      expect(mail!.headers['x-secmon-rule-id']).toBe('authn.brute_force.client');
      expect(mail!.text).toContain('client.address: 203.0.113.7 = a soft line break');
      expect(smtp.messages()).toHaveLength(1);
    });

    it('should keep messages in arrival order', async () => {
      smtp = await startSmtpServer();
      for (const n of [1, 2, 3]) {
        await sendMail(smtp.port, 'a@example.com', 'b@example.com', `Subject: mail ${n}\n\nbody ${n}`);
      }
      await smtp.waitForMessages(3);
      expect(smtp.messages().map((m) => m.headers['subject'])).toEqual(['mail 1', 'mail 2', 'mail 3']);
    });
  });

  describe('waitForMessages', () => {
    it('should reject after timeoutMs with the count so far', async () => {
      smtp = await startSmtpServer();
      await expect(smtp.waitForMessages(1, { timeoutMs: 100 })).rejects.toThrow('expected 1 messages, got 0');
    });
  });

  describe('stop', () => {
    it('should stop the server, remove its Maildir, and be idempotent', async () => {
      const s = await startSmtpServer();
      await sendMail(s.port, 'a@example.com', 'b@example.com', 'Subject: x\n\ny');
      await s.waitForMessages(1);
      await s.stop();
      await s.stop();
      expect(s.messages()).toEqual([]);
      const refused = await new Promise<boolean>((resolve) => {
        const sock = connect(s.port, '127.0.0.1');
        sock.once('connect', () => {
          sock.destroy();
          resolve(false);
        });
        sock.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    });
  });
});
