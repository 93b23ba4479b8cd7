// PROVISIONAL: replaced by the real @secmon/instrumentation + @secmon/processor wiring once they land.
import { logs } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { RequestHandler } from 'express';
import type { ShopOptions } from '../ShopOptions.js';
import type { ShopSecurity } from '../ShopSecurity.js';

export interface SecmonWiring {
  security: ShopSecurity;
  logRecordProcessors: LogRecordProcessor[];
  exportingProcessor?: LogRecordProcessor;
  feedSkip: string[];
  first: RequestHandler[];
  afterAuthentication: RequestHandler[];
  describe: string;
  ruleIds: string[];
  start(): void;
}

export function createSecmon(_options: ShopOptions, _exporter: LogRecordExporter): SecmonWiring {
  const emit = (eventName: string, attributes: Record<string, string | number | boolean | string[]>) =>
    logs.getLogger('express-shop').emit({ eventName, severityNumber: 13, attributes });
  const security: ShopSecurity = {
    loginFailed: (d) => emit('secmon.authn.login_fail', { 'error.type': d.reason }),
    loginSucceeded: (d) => emit('secmon.authn.login_success', { 'user.id': d.user.id }),
    loggedOut: (d) => emit('secmon.session.logout', { 'user.id': d.user.id }),
    sessionUsedAfterExpiry: () => emit('secmon.session.use_after_expire', {}),
    accessDenied: (d) => emit('secmon.authz.fail', { 'secmon.resource.type': d.resourceType }),
    adminAction: (d) => emit('secmon.authz.admin', { 'secmon.resource.type': d.resourceType }),
    roleChanged: (d) => emit('secmon.authz.change', { 'user.target.id': d.target.id }),
    userDeleted: (d) => emit('secmon.user.deleted', { 'user.target.id': d.target.id }),
    configChanged: (d) => emit('secmon.config.change', { 'secmon.config.key': d.key }),
    paymentFailed: (d) => emit('secmon.payment.fail', { 'error.type': d.reason }),
    dataExported: (d) => emit('secmon.sensitive.read', { 'secmon.resource.type': d.resourceType }),
    invalidInput: (d) => emit('secmon.input.validation_fail', { 'secmon.input.fields': d.fields }),
    unexpectedFields: (d) => emit('secmon.malicious.extraneous', { 'secmon.input.fields': d.fields }),
  };
  return {
    security,
    logRecordProcessors: [],
    feedSkip: ['secmon.alert'],
    first: [],
    afterAuthentication: [],
    describe: 'provisional',
    ruleIds: [],
    start() {},
  };
}
