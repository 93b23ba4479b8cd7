import { diag, DiagLogLevel } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { resourceAttributes } from '../../src/internal/resourceAttributes.js';

describe('resourceAttributes', () => {
  afterEach(() => diag.disable());

  it('should read the attributes known so far while async detectors are pending, without the SDK diag error', async () => {
    const errors: string[] = [];
    diag.setLogger(
      {
        error: (m) => errors.push(m),
        warn: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      DiagLogLevel.ALL,
    );
    let settle: (v: string) => void = () => undefined;
    const hostId = new Promise<string>((resolve) => (settle = resolve));
    const resource = resourceFromAttributes({ 'service.name': 'shop', 'host.id': hostId });
    expect(resource.asyncAttributesPending).toBe(true);

    const first = resourceAttributes(resource);
    expect(first).toEqual({ 'service.name': 'shop' });
    expect(resourceAttributes(resource)).toBe(first); // read once per resource, not once per record
    expect(errors).toEqual([]);

    settle('h-1');
    await resource.waitForAsyncAttributes?.();
    expect(resourceAttributes(resource)).toEqual({ 'service.name': 'shop', 'host.id': 'h-1' });
    expect(errors).toEqual([]);
  });

  it('should return the SDK attributes of a settled resource as they are', () => {
    const resource = resourceFromAttributes({ 'service.name': 'shop' });
    expect(resourceAttributes(resource)).toBe(resource.attributes);
  });
});
