import type { CliIo } from '../CliIo.js';
import { EXIT, writeOut } from '../CliIo.js';
import { loadRuleFile } from '../engine/loadRules.js';
import { escapeForTerminal } from '../terminal/escapeForTerminal.js';
import { createStyle } from '../terminal/Style.js';

/**
 * `secmon rules validate <files>`: parses every file and prints each error on its own line
 * (`file:line:column rule "id" field "x": message`). Exit 0 when all files are valid, 1 when a rule is
 * invalid, 2 when a file cannot be read.
 */
export async function rulesValidateCommand(files: string[], io: CliIo): Promise<number> {
  const style = createStyle(io.stdout.isTTY === true, io.env);
  let invalid = false;
  let unreadable = false;
  for (const file of files) {
    const result = await loadRuleFile(file, io.cwd);
    if (result.readError !== undefined) {
      unreadable = true;
      await writeOut(
        io.stderr,
        `${escapeForTerminal(file, 300)}: ${escapeForTerminal(result.readError, 300)}\n`,
      );
      continue;
    }
    if (result.errors.length === 0) {
      const ids = result.rules.map((r) => r.id).join(', ');
      await writeOut(
        io.stdout,
        `${style.green('ok')}  ${escapeForTerminal(file, 300)}: ${result.rules.length} rule${result.rules.length === 1 ? '' : 's'} (${escapeForTerminal(ids, 2000)})\n`,
      );
    } else {
      invalid = true;
      await writeOut(
        io.stdout,
        `${style.red('FAIL')}  ${escapeForTerminal(file, 300)}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}\n`,
      );
      for (const e of result.errors) await writeOut(io.stdout, `  ${escapeForTerminal(e, 1000)}\n`);
    }
  }
  return unreadable ? EXIT.USAGE : invalid ? EXIT.FINDINGS : EXIT.OK;
}
