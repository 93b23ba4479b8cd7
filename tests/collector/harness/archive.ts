import { existsSync, readFileSync } from 'node:fs';
import { decodeExportLogsServiceRequest, flattenLogs } from '@secmon/test-utils';
import type { CapturedLogRecord } from '@secmon/test-utils';

/** The records of an archive file: one OTLP/JSON ExportLogsServiceRequest per line (the file exporter's `json`). */
export function readArchive(path: string): CapturedLogRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // the exporter flushes whole lines; a line still being written at read time is left for the next poll
  const lines = text.split('\n').slice(0, -1);
  return lines
    .filter((l) => l.trim() !== '')
    .flatMap((line) => flattenLogs(decodeExportLogsServiceRequest(Buffer.from(line), 'application/json')));
}
