package splunkhecexporter // import "github.com/secmon/otelcol-secmon/components/splunkhecexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// typeStr is the contrib exporter's type, so that configurations run on either distribution.
var typeStr = component.MustNewType("splunk_hec")

// NewFactory creates the factory of the splunk_hec exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(typeStr, createDefaultConfig,
		exporter.WithLogs(createLogs, component.StabilityLevelAlpha))
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = 10 * time.Second
	return &Config{
		ClientConfig:         client,
		QueueSettings:        configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		BackOffConfig:        configretry.NewDefaultBackOffConfig(),
		MaxContentLengthLogs: 2 * 1024 * 1024,
		HecToOtelAttrs: HecToOtelAttrs{
			Source:     "com.splunk.source",
			SourceType: "com.splunk.sourcetype",
			Index:      "com.splunk.index",
			Host:       "host.name",
		},
	}
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	e := newHecExporter(c, set)
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs,
		exporterhelper.WithStart(e.start),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		// the HTTP client's own timeout applies, as in the OTLP/HTTP exporter
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(c.BackOffConfig),
		exporterhelper.WithQueue(c.QueueSettings),
	)
}
