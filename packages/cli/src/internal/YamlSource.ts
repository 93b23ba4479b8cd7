import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/** A YAML (or JSON) text parsed with positions, so messages can point at `file:line`. */
export class YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Syntax errors, already formatted as `file:line: message`. */
  readonly errors: string[];
  private readonly _doc: Document.Parsed;
  private readonly _lines: LineCounter;

  constructor(text: string, file: string) {
    this.file = file;
    this._lines = new LineCounter();
    this._doc = parseDocument(text, { lineCounter: this._lines, prettyErrors: false, uniqueKeys: true });
    this.errors = this._doc.errors.map(
      (e) => `${file}:${this._lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`,
    );
    this.value = this.errors.length === 0 ? this._doc.toJS({ maxAliasCount: 100 }) : undefined;
  }

  /** 1-based line of the node at `path` (map keys and sequence indexes), or of its closest parent. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined {
    let node: unknown = this._doc.contents;
    let line = this._line(node);
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        if (pair === undefined) break;
        line = this._line(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        line = this._line(node) ?? line;
      } else break;
    }
    return line;
  }

  /** `file:line` for `path`. */
  where(path: ReadonlyArray<string | number>): string {
    const line = this.lineOf(path);
    return line === undefined ? this.file : `${this.file}:${line}`;
  }

  private _line(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range === undefined ? undefined : this._lines.linePos(range[0]).line;
  }
}
