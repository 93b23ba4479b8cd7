import { describe, expect, it, vi } from 'vitest';
import { commandExists, requireService, serviceAvailable } from '../src/index.js';

describe('requireService', () => {
  it('should resolve true when the check passes', async () => {
    await expect(requireService('x', () => true, { env: { CI: 'true' } })).resolves.toBe(true);
  });

  it('should skip with a printed reason locally', async () => {
    const log = vi.fn();
    await expect(requireService('redis', () => 'redis-server not on PATH', { env: {}, log })).resolves.toBe(
      false,
    );
    expect(log).toHaveBeenCalledWith(expect.stringContaining('redis-server not on PATH'));
  });

  it('should fail instead of skipping when CI=true', async () => {
    await expect(
      requireService(
        'redis',
        () => {
          throw new Error('ECONNREFUSED');
        },
        { env: { CI: 'true' } },
      ),
    ).rejects.toThrow(/redis.*ECONNREFUSED.*CI=true/);
  });
});

describe('serviceAvailable', () => {
  it('should report async failures as unavailable with the reason', async () => {
    await expect(serviceAvailable('db', () => Promise.reject(new Error('down')))).resolves.toEqual({
      name: 'db',
      available: false,
      reason: 'down',
    });
  });
});

describe('commandExists', () => {
  it('should find sh and refuse shell metacharacters', () => {
    expect(commandExists('sh')).toBe(true);
    expect(commandExists('definitely-not-a-command-xyz')).toBe(false);
    expect(commandExists('sh; rm -rf /')).toBe(false);
  });
});
