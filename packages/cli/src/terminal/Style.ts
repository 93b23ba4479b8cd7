/** ANSI styling that collapses to plain text when the output is not a terminal. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
  magenta(text: string): string;
}

function wrap(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity = (text: string): string => text;

/**
 * Colours only on a TTY, and never when `NO_COLOR` is set (https://no-color.org); `FORCE_COLOR` (non-empty,
 * not `0`) turns them on for a pipe.
 */
export function createStyle(isTty: boolean, env: NodeJS.ProcessEnv): Style {
  const force = env['FORCE_COLOR'];
  const noColor = env['NO_COLOR'];
  const enabled =
    noColor !== undefined && noColor !== ''
      ? false
      : force !== undefined && force !== ''
        ? force !== '0'
        : isTty;
  if (!enabled) {
    return {
      enabled,
      bold: identity,
      dim: identity,
      red: identity,
      yellow: identity,
      cyan: identity,
      green: identity,
      magenta: identity,
    };
  }
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    green: wrap(32, 39),
    magenta: wrap(35, 39),
  };
}
