import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { AlertRecord } from '../analyze/AlertRecord.js';
import type { CliIo } from '../CliIo.js';
import { EXIT, writeOut } from '../CliIo.js';
import { Detector } from '../engine/Detector.js';
import { loadRules } from '../engine/loadRules.js';
import { escapeForTerminal } from '../terminal/escapeForTerminal.js';
import { createStyle } from '../terminal/Style.js';
import { compareAlerts } from './compareAlerts.js';
import { parseRuleTestFile } from './RuleTestFile.js';

async function findTestFiles(
  operands: string[],
  cwd: string,
): Promise<{ files: string[]; errors: string[] }> {
  const files: string[] = [];
  const errors: string[] = [];
  const walk = async (path: string, explicit: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      errors.push(`${relative(cwd, path) || path}: no such file or directory`);
      return;
    }
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).filter((e) => !e.startsWith('.')).sort())
        await walk(join(path, entry), false);
    } else if (explicit || /\.ya?ml$/.test(path)) files.push(path);
  };
  for (const op of operands) await walk(resolve(cwd, op), true);
  return { files, errors };
}

/**
 * `secmon rules test <folders|files>`: runs each case of each test file on a fresh engine and prints
 * pass/fail per case, with a diff for failures. Exit 0 all passed, 1 a case failed, 2 a test or rule file is
 * invalid.
 */
export async function rulesTestCommand(
  operands: string[],
  ruleOverride: string[],
  io: CliIo,
): Promise<number> {
  const style = createStyle(io.stdout.isTTY === true, io.env);
  const found = await findTestFiles(operands, io.cwd);
  let broken = found.errors.length > 0;
  for (const e of found.errors)
    await writeOut(io.stderr, `secmon rules test: ${escapeForTerminal(e, 400)}\n`);
  if (found.files.length === 0 && !broken) {
    await writeOut(io.stderr, 'secmon rules test: no *.yaml or *.yml test files found\n');
    return EXIT.USAGE;
  }
  let passed = 0;
  let failed = 0;
  for (const file of found.files) {
    const shown = relative(io.cwd, file) || file;
    const parsed = parseRuleTestFile(await readFile(file, 'utf8'), shown);
    if (parsed.test === undefined) {
      broken = true;
      await writeOut(
        io.stdout,
        `${style.red('ERROR')} ${escapeForTerminal(shown, 300)}\n${parsed.errors.map((e) => `  ${escapeForTerminal(e, 400)}\n`).join('')}`,
      );
      continue;
    }
    const test = parsed.test;
    const ruleFiles = ruleOverride.length > 0 ? ruleOverride : test.ruleFiles;
    const loaded = await loadRules(ruleFiles, io.cwd);
    if (loaded.errors.length > 0) {
      broken = true;
      await writeOut(
        io.stdout,
        `${style.red('ERROR')} ${escapeForTerminal(shown, 300)}: invalid rules\n${loaded.errors.map((e) => `  ${escapeForTerminal(e, 400)}\n`).join('')}`,
      );
      continue;
    }
    await writeOut(
      io.stdout,
      `${style.bold(escapeForTerminal(shown, 300))}  ${style.dim(`(rules: ${loaded.sources.map((s) => escapeForTerminal(s, 200)).join(', ')})`)}\n`,
    );
    for (const c of test.cases) {
      const alerts: AlertRecord[] = [];
      const detector = new Detector(loaded.rules, (a) => alerts.push(a));
      for (const e of c.events) detector.process(e);
      detector.finish();
      const result = compareAlerts(c.expect, alerts, test.startUnixNano, c.checkRules);
      if (result.passed) {
        passed++;
        await writeOut(io.stdout, `  ${style.green('PASS')} ${escapeForTerminal(c.name, 200)}\n`);
      } else {
        failed++;
        await writeOut(
          io.stdout,
          `  ${style.red('FAIL')} ${escapeForTerminal(c.name, 200)}  ${style.dim(c.where)}\n`,
        );
        await writeOut(io.stdout, `      ${style.dim('- expected, not fired   + fired, not expected')}\n`);
        for (const d of result.diff) {
          const text = `${d.kind === '=' ? ' ' : d.kind} ${escapeForTerminal(d.text, 400)}`;
          await writeOut(
            io.stdout,
            `      ${d.kind === '-' ? style.red(text) : d.kind === '+' ? style.green(text) : style.dim(text)}\n`,
          );
        }
      }
    }
  }
  const summary = `${passed} passed, ${failed} failed${broken ? ', with errors' : ''}`;
  await writeOut(io.stdout, `\n${failed > 0 || broken ? style.red(summary) : style.green(summary)}\n`);
  return broken ? EXIT.USAGE : failed > 0 ? EXIT.FINDINGS : EXIT.OK;
}
