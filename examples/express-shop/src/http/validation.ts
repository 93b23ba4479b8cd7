/** Result of checking a JSON body against the fields a route expects. */
export interface BodyCheck<T> {
  value?: T;
  /** Names of expected fields that are missing or have the wrong type/size. */
  invalid: string[];
  /** Names of fields that are not expected at all (reported as `secmon.malicious.extraneous`). */
  extraneous: string[];
}

type FieldSpec =
  | { type: 'string'; max: number; min?: number; pattern?: RegExp }
  | { type: 'integer'; min: number; max: number }
  | { type: 'object' };

/**
 * Checks a parsed JSON body: exactly the expected fields, with the right types and bounded sizes.
 * Field names are reported (never values): they tell what was wrong without logging the data.
 */
export function checkBody<T>(body: unknown, spec: Record<keyof T & string, FieldSpec>): BodyCheck<T> {
  const invalid: string[] = [];
  const extraneous: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { invalid: ['(body)'], extraneous };
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!Object.hasOwn(spec, key)) extraneous.push(key);
  for (const [key, field] of Object.entries(spec) as [string, FieldSpec][]) {
    const v = record[key];
    if (field.type === 'string') {
      if (
        typeof v !== 'string' ||
        v.length > field.max ||
        v.length < (field.min ?? 1) ||
        (field.pattern && !field.pattern.test(v))
      ) {
        invalid.push(key);
      }
    } else if (field.type === 'integer') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < field.min || v > field.max) invalid.push(key);
    } else if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      invalid.push(key);
    }
  }
  return invalid.length === 0 && extraneous.length === 0
    ? { value: record as T, invalid, extraneous }
    : { invalid, extraneous };
}
