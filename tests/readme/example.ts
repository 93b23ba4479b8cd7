import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SecurityEvents, configureSecurityLogging, runWithSecurityContext } from '@secmon/instrumentation';
import { DEFAULT_RULES, SecurityRulesProcessor } from '@secmon/processor';

const rules = new SecurityRulesProcessor({
  rules: DEFAULT_RULES,
  onAlert: (a) => console.log(`ALERT ${a.rule.id} ${JSON.stringify(a.group)} count=${a.count}`),
});
const logging = configureSecurityLogging({
  exporter: new OTLPLogExporter(), // honours OTEL_EXPORTER_OTLP_*; http://localhost:4318/v1/logs by default
  resource: resourceFromAttributes({ 'service.name': 'shop' }),
  processors: [rules],
});
const security = new SecurityEvents({ pseudonymKey: process.env.SECMON_PSEUDONYM_KEY });

// Ten failed logins from one address: the default pack's brute-force rule fires on the tenth.
const fail = { login: 'alice', userExists: true, userId: 'u-42', reason: 'invalid_credentials' } as const;
for (let i = 0; i < 10; i++) {
  runWithSecurityContext({ clientAddress: '203.0.113.7' }, () => security.authn.loginFail(fail));
}
security.config.change({ key: 'payments.max_amount', secret: false });
await logging.shutdown();
