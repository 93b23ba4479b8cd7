import { describe, expect, it } from 'vitest';
import * as stable from '@opentelemetry/semantic-conventions';
import * as semconv from '../src/index.js';
import {
  CATALOGUE,
  EVENTS,
  OWASP_NOT_COVERED,
  OWASP_VOCABULARY,
  getEventDefinition,
  ocsfTypeUid,
  ocsfCategoryUid,
} from '../src/index.js';

describe('CATALOGUE', () => {
  it('should hold one entry per event name constant, with unique names and actions', () => {
    const names = CATALOGUE.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(CATALOGUE.map((d) => d.action)).size).toBe(CATALOGUE.length);
    expect([...names].sort()).toEqual(Object.values(EVENTS).sort());
    expect(CATALOGUE.length).toBe(58);
  });

  it('should name every event secmon.<category>.<event> in lower snake case', () => {
    for (const d of CATALOGUE) {
      expect(d.name).toMatch(/^secmon\.[a-z]+\.[a-z0-9_]+$/);
      expect(d.name.startsWith(`secmon.${d.family}.`)).toBe(true);
    }
  });

  it('should derive each event name from its OWASP token', () => {
    for (const d of CATALOGUE) {
      // secmon.authn.login_fail <-> authn_login_fail: the category joined to the event by "_".
      expect(d.name.slice('secmon.'.length).replace('.', '_')).toBe(d.action);
    }
  });

  it('should use only the three OWASP levels and their OTel severity numbers', () => {
    const map = { INFO: [9, 'INFO'], WARN: [13, 'WARN'], CRITICAL: [17, 'ERROR'] } as const;
    for (const d of CATALOGUE) {
      expect([d.severityNumber, d.severityText]).toEqual(map[d.level]);
      expect(d.severityNumber).toBeGreaterThanOrEqual(1);
      expect(d.severityNumber).toBeLessThanOrEqual(24);
    }
  });

  it('should carry valid ECS fields', () => {
    const categories = new Set([
      'authentication',
      'configuration',
      'database',
      'file',
      'iam',
      'intrusion_detection',
      'malware',
      'process',
      'session',
      'web',
      'api',
    ]);
    const types = new Set([
      'access',
      'admin',
      'change',
      'creation',
      'deletion',
      'denied',
      'end',
      'error',
      'info',
      'start',
      'user',
    ]);
    for (const d of CATALOGUE) {
      expect(['event', 'alert']).toContain(d.ecs.kind);
      expect(['success', 'failure', 'unknown']).toContain(d.ecs.outcome);
      for (const c of d.ecs.category) expect(categories.has(c), `${d.name}: category ${c}`).toBe(true);
      for (const t of d.ecs.type) expect(types.has(t), `${d.name}: type ${t}`).toBe(true);
    }
  });

  it('should map every event to a known OCSF class and activity', () => {
    const classes = new Set([2004, 3001, 3002, 3004, 3005, 3007, 6002, 6003, 6005, 6006]);
    for (const d of CATALOGUE) {
      expect(classes.has(d.ocsf.classUid), d.name).toBe(true);
      expect(d.ocsf.activityId).toBeGreaterThan(0);
      expect(ocsfTypeUid(d.ocsf.classUid, d.ocsf.activityId)).toBe(d.ocsf.classUid * 100 + d.ocsf.activityId);
      expect([2, 3, 6]).toContain(ocsfCategoryUid(d.ocsf.classUid));
      if (d.ocsf.nextClassUid !== undefined) expect(d.ocsf.nextActivityId).toBeGreaterThan(0);
    }
  });

  it('should mark failures with error.type and mark malicious detections as alerts', () => {
    expect(getEventDefinition(EVENTS.AUTHN_LOGIN_FAIL)?.attributes).toContain('error.type');
    expect(getEventDefinition(EVENTS.MALICIOUS_SQLI)?.ecs.kind).toBe('alert');
    expect(getEventDefinition(EVENTS.AUTHZ_FAIL)?.severityNumber).toBe(17);
    expect(getEventDefinition('secmon.nope.nothing')).toBeUndefined();
  });

  it('should only list attribute keys that semconv defines as constants', () => {
    const keys = new Set(
      Object.entries(semconv)
        .filter(([k]) => k.startsWith('ATTR_'))
        .map(([, v]) => v as string),
    );
    for (const d of CATALOGUE)
      for (const a of d.attributes) expect(keys.has(a), `${d.name}: ${a}`).toBe(true);
  });

  it('should be frozen', () => {
    expect(Object.isFrozen(CATALOGUE)).toBe(true);
    expect(Object.isFrozen(CATALOGUE[0])).toBe(true);
  });
});

describe('OWASP_VOCABULARY', () => {
  it('should cover every token by an event, or list it as not covered with a reason', () => {
    const covered = new Set(CATALOGUE.filter((d) => d.owasp).map((d) => d.action));
    for (const token of OWASP_VOCABULARY) {
      const ok = covered.has(token) || typeof OWASP_NOT_COVERED[token] === 'string';
      expect(ok, token).toBe(true);
    }
    // And nothing claimed as OWASP is missing from the vocabulary.
    for (const token of covered) expect(OWASP_VOCABULARY).toContain(token);
    for (const token of Object.keys(OWASP_NOT_COVERED)) expect(covered.has(token)).toBe(false);
  });

  it('should keep custom events out of the OWASP vocabulary', () => {
    for (const d of CATALOGUE.filter((x) => !x.owasp)) expect(OWASP_VOCABULARY).not.toContain(d.action);
  });
});

describe('attribute constants', () => {
  it('should agree with the stable OpenTelemetry semantic conventions', () => {
    const pairs: [string, string][] = [
      ['ATTR_CLIENT_ADDRESS', stable.ATTR_CLIENT_ADDRESS],
      ['ATTR_CLIENT_PORT', stable.ATTR_CLIENT_PORT],
      ['ATTR_ERROR_TYPE', stable.ATTR_ERROR_TYPE],
      ['ATTR_EXCEPTION_TYPE', stable.ATTR_EXCEPTION_TYPE],
      ['ATTR_HTTP_REQUEST_METHOD', stable.ATTR_HTTP_REQUEST_METHOD],
      ['ATTR_HTTP_ROUTE', stable.ATTR_HTTP_ROUTE],
      ['ATTR_HTTP_RESPONSE_STATUS_CODE', stable.ATTR_HTTP_RESPONSE_STATUS_CODE],
      ['ATTR_NETWORK_PEER_ADDRESS', stable.ATTR_NETWORK_PEER_ADDRESS],
      ['ATTR_SERVER_ADDRESS', stable.ATTR_SERVER_ADDRESS],
      ['ATTR_SERVER_PORT', stable.ATTR_SERVER_PORT],
      ['ATTR_SERVICE_NAME', stable.ATTR_SERVICE_NAME],
      ['ATTR_SERVICE_VERSION', stable.ATTR_SERVICE_VERSION],
      ['ATTR_URL_FULL', stable.ATTR_URL_FULL],
      ['ATTR_URL_PATH', stable.ATTR_URL_PATH],
      ['ATTR_URL_QUERY', stable.ATTR_URL_QUERY],
      ['ATTR_URL_SCHEME', stable.ATTR_URL_SCHEME],
      ['ATTR_USER_AGENT_ORIGINAL', stable.ATTR_USER_AGENT_ORIGINAL],
      ['ATTR_DB_NAMESPACE', stable.ATTR_DB_NAMESPACE],
      ['ATTR_DB_COLLECTION_NAME', stable.ATTR_DB_COLLECTION_NAME],
      ['ATTR_DB_OPERATION_NAME', stable.ATTR_DB_OPERATION_NAME],
    ];
    for (const [name, expected] of pairs)
      expect((semconv as Record<string, unknown>)[name], name).toBe(expected);
  });

  it('should never define the deprecated event.name attribute', () => {
    expect(Object.values(semconv)).not.toContain('event.name');
  });

  it('should resolve workspace packages to their sources, never to dist/', async () => {
    const url = import.meta.resolve('@secmon/semconv');
    expect(url).toMatch(/\/src\/index\.ts$/);
  });
});
