package syslogexporter // import "github.com/secmon/otelcol-secmon/components/syslogexporter"

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

const dialTimeout = 5 * time.Second

type syslogExporter struct {
	cfg    *Config
	logger *zap.Logger
	addr   string

	mu     sync.Mutex // one connection, shared by the queue consumers
	conn   net.Conn
	tlsCfg *tls.Config
}

func newSyslogExporter(cfg *Config, set exporter.Settings) *syslogExporter {
	return &syslogExporter{
		cfg:    cfg,
		logger: set.Logger,
		addr:   net.JoinHostPort(cfg.Endpoint, strconv.Itoa(cfg.Port)),
	}
}

func (e *syslogExporter) start(ctx context.Context, _ component.Host) error {
	if e.cfg.Network != networkTCP {
		return nil
	}
	tlsCfg, err := e.cfg.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return err
	}
	e.tlsCfg = tlsCfg
	return nil
}

func (e *syslogExporter) shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		err := e.conn.Close()
		e.conn = nil
		return err
	}
	return nil
}

// pushLogs formats the whole batch, then writes it on one connection. A write error drops the connection
// and returns the error, so the exporter helper retries the batch (at-least-once: a receiver may see a
// message twice after a broken connection).
func (e *syslogExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	now := time.Now()
	msgs := make([]string, 0, ld.LogRecordCount())
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				msgs = append(msgs, formatRFC5424(lrs.At(k), now))
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetWriteDeadline(deadline)
	} else {
		_ = conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	}
	if e.cfg.Network == networkUDP {
		for _, m := range msgs {
			if _, err = conn.Write([]byte(m)); err != nil {
				break
			}
		}
	} else {
		buf := make([]byte, 0, 512*len(msgs))
		for _, m := range msgs {
			if e.cfg.EnableOctetCounting {
				buf = strconv.AppendInt(buf, int64(len(m)), 10)
				buf = append(buf, ' ')
				buf = append(buf, m...)
			} else {
				buf = append(buf, m...)
				buf = append(buf, '\n')
			}
		}
		_, err = conn.Write(buf)
	}
	if err != nil {
		_ = conn.Close()
		e.conn = nil
		return errors.Join(errors.New("syslog write failed"), err)
	}
	return nil
}

func (e *syslogExporter) connect(ctx context.Context) (net.Conn, error) {
	if e.conn != nil {
		return e.conn, nil
	}
	dialer := &net.Dialer{Timeout: dialTimeout}
	var conn net.Conn
	var err error
	if e.cfg.Network == networkTCP && e.tlsCfg != nil {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: e.tlsCfg}).DialContext(ctx, "tcp", e.addr)
	} else {
		conn, err = dialer.DialContext(ctx, e.cfg.Network, e.addr)
	}
	if err != nil {
		return nil, err
	}
	e.logger.Debug("connected to syslog receiver", zap.String("address", e.addr))
	e.conn = conn
	return conn, nil
}
