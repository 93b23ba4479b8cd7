/** Where a problem was found: the input's name and the 1-based line number (0 when not line-bound). */
export interface InputProblem {
  source: string;
  line: number;
  /** Human-readable reason. May quote input text: escape it before printing. */
  reason: string;
}

/** How many problems of each kind are kept with their position (the counts are always exact). */
export const MAX_PROBLEM_SAMPLES = 20;

/** Counters of one `analyze` run over all its inputs. */
export class InputStats {
  sources = 0;
  bytes = 0;
  lines = 0;
  /** Log records seen (an OTLP line holds many). */
  records = 0;
  /** Records handed to the rules. */
  events = 0;
  /** Records without an event name (no rule can match them). */
  unnamed = 0;
  /** Records with neither a time nor an observed time: they cannot be placed on the event-time axis. */
  untimed = 0;
  /** Lines that are valid JSON of another signal (spans, metrics) in the same archive. */
  otherSignals = 0;
  /** Earliest and latest event time seen, in unix nanos (NaN before the first event). */
  minTimeUnixNano = Number.NaN;
  maxTimeUnixNano = Number.NaN;
  readonly malformed = new ProblemList();
  readonly truncated = new ProblemList();
  readonly oversize = new ProblemList();
  /** Inputs that could not be read to the end (missing file, corrupt gzip). */
  readonly sourceErrors = new ProblemList();

  /** Total of malformed, truncated and oversize lines. */
  get badLines(): number {
    return this.malformed.count + this.truncated.count + this.oversize.count;
  }
}

/** An exact count with the first positions kept. */
export class ProblemList {
  count = 0;
  readonly samples: InputProblem[] = [];

  add(source: string, line: number, reason: string): void {
    this.count++;
    if (this.samples.length < MAX_PROBLEM_SAMPLES) this.samples.push({ source, line, reason });
  }
}
