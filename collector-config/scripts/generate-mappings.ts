// Generates collector-config/generated/ecs-ocsf.yaml: the transform processor that adds the ECS and OCSF fields
// of every security event, from the one schema, @secmon/semconv's CATALOGUE. No hand-copied tables: when the
// catalogue changes, regenerate (`npm run generate:collector -w @secmon/e2e-tests`); the test
// tests/collector/generated-mappings.test.ts fails while the committed file is out of date.
//
// What the statements do, per record (log.event_name selects the catalogue entry; one string comparison each):
// - merge_maps(..., "insert"): ECS event.action/kind/category/type/outcome and OCSF class/activity/category/type
//   uids are added only where the application did not set them (the instrumentation usually sets the ECS ones;
//   hosts and legacy apps fed through file_log recipes get them here). The actual outcome wins over the default.
// - then, for every secmon.* record: ocsf.status_id from the actual event.outcome, ocsf.severity_id from the
//   actual SeverityNumber (or from secmon.alert.severity for alerts).
import {
  ALERT_EVENT_NAME,
  ALERT_SPAN_NAME,
  ATTR_EVENT_ACTION,
  ATTR_EVENT_CATEGORY,
  ATTR_EVENT_KIND,
  ATTR_EVENT_OUTCOME,
  ATTR_EVENT_TYPE,
  ATTR_OCSF_ACTIVITY_ID,
  ATTR_OCSF_CATEGORY_UID,
  ATTR_OCSF_CLASS_UID,
  ATTR_OCSF_SEVERITY_ID,
  ATTR_OCSF_STATUS_ID,
  ATTR_OCSF_TYPE_UID,
  ATTR_SECMON_ALERT_SEVERITY,
  CATALOGUE,
  OCSF_SEVERITY,
  OWASP_LEVEL_TO_OCSF_SEVERITY,
  SECMON_PREFIX,
  SEVERITY_NUMBER,
  ocsfCategoryUid,
  ocsfStatusId,
  ocsfTypeUid,
} from '@secmon/semconv';

/** Path of the generated file, relative to collector-config/. */
export const GENERATED_MAPPINGS_PATH = 'generated/ecs-ocsf.yaml';

/** OCSF 2004 Detection Finding, activity 1 Create: the class of every secmon alert (EVENTS.md §7). */
const DETECTION_FINDING = { classUid: 2004, activityId: 1 } as const;

/** An OTTL string literal (JSON string escaping is valid OTTL escaping for these ASCII values). */
function str(value: string): string {
  return JSON.stringify(value);
}

/** An OTTL map literal. */
function map(entries: ReadonlyArray<readonly [string, string | number | readonly string[]]>): string {
  const items = entries.map(([k, v]) => {
    const value =
      typeof v === 'number' ? String(v) : typeof v === 'string' ? str(v) : `[${v.map(str).join(', ')}]`;
    return `${str(k)}: ${value}`;
  });
  return `{${items.join(', ')}}`;
}

/** A YAML single-quoted scalar: OTTL map literals contain ": ", which a plain scalar cannot. */
function yamlQuote(statement: string): string {
  return `'${statement.replaceAll("'", "''")}'`;
}

function ocsfEntries(classUid: number, activityId: number): Array<readonly [string, number]> {
  return [
    [ATTR_OCSF_CLASS_UID, classUid],
    [ATTR_OCSF_ACTIVITY_ID, activityId],
    [ATTR_OCSF_CATEGORY_UID, ocsfCategoryUid(classUid)],
    [ATTR_OCSF_TYPE_UID, ocsfTypeUid(classUid, activityId)],
  ];
}

/** The generated YAML, deterministic (catalogue order). */
export function renderEcsOcsfMappings(): string {
  const log: string[] = [];
  const comment = (text: string) => log.push(`          # ${text}`);
  const stmt = (text: string) => log.push(`          - ${yamlQuote(text)}`);

  for (const def of CATALOGUE) {
    comment(`${def.name}: ${def.description} (OCSF ${def.ocsf.classUid}/${def.ocsf.activityId})`);
    const entries: Array<readonly [string, string | number | readonly string[]]> = [
      [ATTR_EVENT_ACTION, def.action],
      [ATTR_EVENT_KIND, def.ecs.kind],
      [ATTR_EVENT_CATEGORY, def.ecs.category],
      [ATTR_EVENT_TYPE, def.ecs.type],
      [ATTR_EVENT_OUTCOME, def.ecs.outcome],
      ...ocsfEntries(def.ocsf.classUid, def.ocsf.activityId),
    ];
    stmt(`merge_maps(log.attributes, ${map(entries)}, "insert") where log.event_name == ${str(def.name)}`);
  }

  comment(`${ALERT_EVENT_NAME}: alert log records of the rule engine (OCSF 2004/1 Detection Finding)`);
  stmt(
    `merge_maps(log.attributes, ${map([[ATTR_EVENT_KIND, 'alert'], ...ocsfEntries(DETECTION_FINDING.classUid, DETECTION_FINDING.activityId)])}, "insert") where log.event_name == ${str(ALERT_EVENT_NAME)}`,
  );

  const isSecmon = `HasPrefix(log.event_name, ${str(SECMON_PREFIX)})`;
  comment('ocsf.status_id from the actual outcome (1 success, 2 failure, 0 unknown)');
  for (const outcome of ['success', 'failure'] as const) {
    stmt(
      `set(log.attributes[${str(ATTR_OCSF_STATUS_ID)}], ${ocsfStatusId(outcome)}) where log.attributes[${str(ATTR_EVENT_OUTCOME)}] == ${str(outcome)} and ${isSecmon}`,
    );
  }
  stmt(
    `set(log.attributes[${str(ATTR_OCSF_STATUS_ID)}], ${ocsfStatusId('unknown')}) where log.attributes[${str(ATTR_OCSF_STATUS_ID)}] == nil and ${isSecmon}`,
  );

  comment(
    'ocsf.severity_id from the actual SeverityNumber (OWASP INFO 9 -> 1, WARN 13 -> 2, CRITICAL 17 -> 4, FATAL 21+ -> 5)',
  );
  const bands: Array<readonly [number, number, number]> = [
    [1, SEVERITY_NUMBER.WARN, OWASP_LEVEL_TO_OCSF_SEVERITY.INFO],
    [SEVERITY_NUMBER.WARN, SEVERITY_NUMBER.CRITICAL, OWASP_LEVEL_TO_OCSF_SEVERITY.WARN],
    [SEVERITY_NUMBER.CRITICAL, 21, OWASP_LEVEL_TO_OCSF_SEVERITY.CRITICAL],
    [21, 25, OCSF_SEVERITY.CRITICAL],
  ];
  for (const [from, to, id] of bands) {
    stmt(
      `set(log.attributes[${str(ATTR_OCSF_SEVERITY_ID)}], ${id}) where log.severity_number >= ${from} and log.severity_number < ${to} and log.event_name != ${str(ALERT_EVENT_NAME)} and ${isSecmon}`,
    );
  }
  comment('alerts carry their rule severity as an OCSF severity_id already');
  stmt(
    `set(log.attributes[${str(ATTR_OCSF_SEVERITY_ID)}], log.attributes[${str(ATTR_SECMON_ALERT_SEVERITY)}]) where log.event_name == ${str(ALERT_EVENT_NAME)} and log.attributes[${str(ATTR_SECMON_ALERT_SEVERITY)}] != nil`,
  );

  const span: string[] = [];
  span.push(`          # ${ALERT_SPAN_NAME} spans: OCSF 2004/1 Detection Finding`);
  span.push(
    `          - ${yamlQuote(`merge_maps(span.attributes, ${map([[ATTR_EVENT_KIND, 'alert'], ...ocsfEntries(DETECTION_FINDING.classUid, DETECTION_FINDING.activityId)])}, "insert") where span.name == ${str(ALERT_SPAN_NAME)}`)}`,
  );
  span.push(
    `          - ${yamlQuote(`set(span.attributes[${str(ATTR_OCSF_SEVERITY_ID)}], span.attributes[${str(ATTR_SECMON_ALERT_SEVERITY)}]) where span.name == ${str(ALERT_SPAN_NAME)} and span.attributes[${str(ATTR_SECMON_ALERT_SEVERITY)}] != nil`)}`,
  );

  return [
    '# GENERATED from @secmon/semconv (CATALOGUE and the alert constants) by collector-config/scripts/generate-mappings.ts.',
    '# Do not edit: run `npm run generate:collector -w @secmon/e2e-tests`. tests/collector/generated-mappings.test.ts',
    '# fails while this file is out of date. Load it after config.yaml: --config=config.yaml --config=generated/ecs-ocsf.yaml',
    `# ${CATALOGUE.length} catalogue events + ${ALERT_EVENT_NAME}.`,
    'processors:',
    '  transform/ecs_ocsf:',
    '    # a statement that fails on one record (e.g. an attribute of an unexpected type) must not drop the event',
    '    error_mode: ignore',
    '    log_statements:',
    '      - context: log',
    '        statements:',
    ...log,
    '    trace_statements:',
    '      - context: span',
    '        statements:',
    ...span,
    '',
  ].join('\n');
}
