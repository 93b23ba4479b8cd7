// Package splunkhecexporter sends log records to a Splunk HTTP Event Collector (HEC) endpoint.
//
// secmon ships it because the contrib splunk_hec exporter cannot be fetched at the collector release we pin
// (collector-config/README.md, "Components that could not be had"). It registers the same component type,
// `splunk_hec`, reads a subset of the contrib configuration keys with the same meaning, and maps a log
// record to a HEC event the way contrib does: `event` = body, `fields` = resource and record attributes,
// `time` = timestamp in seconds, `host`/`source`/`sourcetype`/`index` from `host.name` and the
// `com.splunk.*` attributes or the configuration. Payloads are always encoded with encoding/json.
package splunkhecexporter // import "github.com/secmon/otelcol-secmon/components/splunkhecexporter"

import (
	"errors"
	"net/url"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// HecToOtelAttrs names the record or resource attributes that override the HEC metadata of an event.
type HecToOtelAttrs struct {
	Source     string `mapstructure:"source"`
	SourceType string `mapstructure:"sourcetype"`
	Index      string `mapstructure:"index"`
	Host       string `mapstructure:"host"`
}

// Config of the splunk_hec exporter.
type Config struct {
	confighttp.ClientConfig `mapstructure:",squash"`
	QueueSettings           configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	BackOffConfig           configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// Token is the HEC token, sent as "Authorization: Splunk <token>".
	Token configopaque.String `mapstructure:"token"`
	// Source, SourceType and Index are the defaults of every event.
	Source     string `mapstructure:"source"`
	SourceType string `mapstructure:"sourcetype"`
	Index      string `mapstructure:"index"`
	// DisableCompression turns gzip request bodies off.
	DisableCompression bool `mapstructure:"disable_compression"`
	// MaxContentLengthLogs caps one request body (before compression); default 2 MiB, as in contrib.
	MaxContentLengthLogs uint `mapstructure:"max_content_length_logs"`
	// HecToOtelAttrs names the attributes that override host/source/sourcetype/index per event.
	HecToOtelAttrs HecToOtelAttrs `mapstructure:"hec_metadata_to_otel_attrs"`
}

// Validate rejects configurations the exporter cannot serve.
func (c *Config) Validate() error {
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errors.New("endpoint is required (e.g. https://splunk:8088/services/collector)"))
	} else if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("endpoint must be an http(s) URL"))
	}
	if c.Token == "" {
		errs = append(errs, errors.New("token is required"))
	}
	if c.MaxContentLengthLogs == 0 {
		errs = append(errs, errors.New("max_content_length_logs must be positive"))
	}
	return errors.Join(errs...)
}
