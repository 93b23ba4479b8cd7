// Package syslogexporter sends log records as RFC 5424 syslog messages over TCP (optionally TLS) or UDP.
//
// secmon ships it because the contrib syslog exporter cannot be fetched at the collector release we pin
// (collector-config/README.md, "Components that could not be had"). It registers the same component type,
// `syslog`, and reads the same configuration keys and the same record attributes as the contrib exporter, so
// an overlay written for it also runs on the official contrib distribution. It differs on purpose in one
// place: SD-PARAM values are escaped as RFC 5424 section 6.3.3 requires (`"`, `\` and `]`), and control
// characters in every field are escaped visibly (CWE-117), so no attribute value can forge a message.
package syslogexporter // import "github.com/secmon/otelcol-secmon/components/syslogexporter"

import (
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

const (
	protocolRFC5424 = "rfc5424"
	networkTCP      = "tcp"
	networkUDP      = "udp"
)

// Config of the syslog exporter (a subset of the contrib exporter's keys, with the same meaning).
type Config struct {
	// Endpoint is the host name or address of the syslog receiver.
	Endpoint string `mapstructure:"endpoint"`
	// Port of the syslog receiver; default 514.
	Port int `mapstructure:"port"`
	// Network is tcp (default) or udp.
	Network string `mapstructure:"network"`
	// Protocol is the message format; only rfc5424 is supported.
	Protocol string `mapstructure:"protocol"`
	// EnableOctetCounting frames TCP messages as "LEN SP MSG" (RFC 6587 3.4.1) instead of LF-terminated.
	EnableOctetCounting bool `mapstructure:"enable_octet_counting"`
	// TLS of the TCP connection. As in contrib, TLS is on unless `tls.insecure: true`.
	TLS configtls.ClientConfig `mapstructure:"tls"`

	TimeoutSettings exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueSettings   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	BackOffConfig   configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`
}

// Validate rejects configurations the exporter cannot serve.
func (c *Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Endpoint) == "" {
		errs = append(errs, errors.New("endpoint is required"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d is out of range", c.Port))
	}
	switch c.Network {
	case networkTCP, networkUDP:
	default:
		errs = append(errs, fmt.Errorf("network %q is not supported (tcp or udp)", c.Network))
	}
	if c.Protocol != protocolRFC5424 {
		errs = append(errs, fmt.Errorf("protocol %q is not supported by this build (rfc5424 only)", c.Protocol))
	}
	if c.Network == networkUDP && !c.TLS.Insecure {
		errs = append(errs, errors.New("udp cannot carry TLS: set tls.insecure: true"))
	}
	return errors.Join(errs...)
}
