// The A09 lab walkthrough of the README, step by step, on the shipped sample: if this passes, the README's
// commands do what it says.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_ROOT, runCli } from '../support/runCli.js';
import { labStory } from '../support/traffic.js';

const LAB = join(CLI_ROOT, 'samples/lab-a09');
const LOG = 'shop-2025-03-14.jsonl.gz';

function keys(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ruleId: string; group: Record<string, string> })
    .map((a) => `${a.ruleId} ${JSON.stringify(a.group)}`)
    .sort();
}

describe('the A09 lab walkthrough', () => {
  const story = labStory().flatMap((s) => s.expect.map((x) => `${x.rule} ${JSON.stringify(x.group)}`));

  it('step 1: the default pack finds the attacker in the sample log, but not the data theft', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', LOG], { cwd: LAB });
    expect(keys(r.stdout)).toEqual([...story].sort());
    expect(r.code).toBe(1);
  });

  it('step 2: the new rule passes its tests', async () => {
    const r = await runCli(['rules', 'test', 'bulk-order-reads.test.yaml'], { cwd: LAB });
    expect(r.stdout).toContain('3 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('step 3: with the new rule next to the default pack, the data theft is found too', async () => {
    const r = await runCli(
      ['analyze', '--format', 'jsonl', '--rules', 'default', '--rules', 'bulk-order-reads.yaml', LOG],
      { cwd: LAB },
    );
    expect(keys(r.stdout)).toEqual([...story, 'shop.bulk_order_reads {"user.id":"u-1042"}'].sort());
  });
});
