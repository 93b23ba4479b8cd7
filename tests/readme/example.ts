import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SecurityEvents, configureSecurityLogging, runWithSecurityContext } from '@secmon/instrumentation';
import { DEFAULT_RULES, SecurityRulesProcessor } from '@secmon/processor';

const logging = configureSecurityLogging({
  exporter: new OTLPLogExporter(), // honours OTEL_EXPORTER_OTLP_*; http://localhost:4318/v1/logs by default
  resource: resourceFromAttributes({ 'service.name': 'shop' }),
  processors: [
    new SecurityRulesProcessor({
      rules: DEFAULT_RULES,
      onAlert: (a) => console.log(`ALERT ${a.rule.id} ${JSON.stringify(a.group)} count=${a.count}`),
    }),
  ],
});
const security = new SecurityEvents({ pseudonymKey: process.env.SECMON_PSEUDONYM_KEY, environment: 'development' });

// Ten failed logins from one address within minutes: the default pack's brute-force rule fires on the tenth.
for (let i = 0; i < 10; i++) {
  runWithSecurityContext({ clientAddress: '203.0.113.7' }, () =>
    security.authn.loginFail({ login: 'alice', userExists: true, userId: 'u-42', reason: 'invalid_credentials' }),
  );
}
security.config.change({ key: 'payments.max_amount', secret: false });
await logging.shutdown();
