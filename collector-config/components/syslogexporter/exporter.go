package syslogexporter // import "github.com/secmon/otelcol-secmon/components/syslogexporter"

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

const (
	dialTimeout = 5 * time.Second
	// Bounds of the wait for a refusal after a TLS 1.3 handshake in which the receiver asked for a client
	// certificate (see awaitAcceptance).
	minAcceptWait = 20 * time.Millisecond
	maxAcceptWait = 2 * time.Second
)

type syslogExporter struct {
	cfg    *Config
	logger *zap.Logger
	addr   string

	mu     sync.Mutex // one connection, shared by the queue consumers
	conn   net.Conn
	watch  *connWatch // nil for UDP
	tlsCfg *tls.Config
}

// connWatch reads a TCP connection in the background. A syslog receiver never sends application data
// (RFC 5425 section 4.3, RFC 6587), so whatever ends that read (EOF, a reset, a TLS alert such as
// "certificate required") means the receiver has given up on the connection. Without it the next write
// would still succeed into the socket buffer and its batch would be reported delivered and lost.
type connWatch struct {
	dead chan struct{} // closed when the read ends
	err  error         // why; written before dead is closed
}

func watchConn(conn net.Conn) *connWatch {
	w := &connWatch{dead: make(chan struct{})}
	go func() {
		// io.Discard reads through a pooled fixed-size buffer: memory stays bounded whatever the peer sends.
		_, err := io.Copy(io.Discard, conn)
		if err == nil {
			err = io.EOF
		}
		w.err = err
		close(w.dead)
	}()
	return w
}

func (w *connWatch) closed() bool {
	if w == nil {
		return false
	}
	select {
	case <-w.dead:
		return true
	default:
		return false
	}
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
	return e.dropConn()
}

// dropConn closes the connection, if any; the caller holds e.mu.
func (e *syslogExporter) dropConn() error {
	if e.conn == nil {
		return nil
	}
	err := e.conn.Close()
	e.conn = nil
	e.watch = nil
	return err
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
		_ = e.dropConn()
		return errors.Join(errors.New("syslog write failed"), err)
	}
	return nil
}

func (e *syslogExporter) connect(ctx context.Context) (net.Conn, error) {
	if e.conn != nil {
		if !e.watch.closed() {
			return e.conn, nil
		}
		// the receiver closed or reset the kept connection (restart, idle timeout): nothing of this batch
		// was written yet, so dial again instead of losing it
		e.logger.Debug("syslog receiver closed the connection", zap.String("address", e.addr), zap.Error(e.watch.err))
		_ = e.dropConn()
	}
	dialer := &net.Dialer{Timeout: dialTimeout}
	if e.cfg.Network != networkTCP {
		conn, err := dialer.DialContext(ctx, e.cfg.Network, e.addr)
		if err != nil {
			return nil, err
		}
		e.logger.Debug("connected to syslog receiver", zap.String("address", e.addr))
		e.conn = conn
		return conn, nil
	}
	var conn net.Conn
	var err error
	var certRequested bool
	start := time.Now()
	if e.tlsCfg != nil {
		// An empty ServerName is filled from the endpoint by tls.Dialer (an IP address is then checked
		// against the certificate's IP SANs); server_name_override sets it.
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: withCertRequestHook(e.tlsCfg, &certRequested)}).DialContext(ctx, "tcp", e.addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", e.addr)
	}
	if err != nil {
		return nil, err
	}
	w := watchConn(conn)
	if tc, ok := conn.(*tls.Conn); ok && certRequested && tc.ConnectionState().Version == tls.VersionTLS13 {
		if err := awaitAcceptance(ctx, w, time.Since(start)); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	e.logger.Debug("connected to syslog receiver", zap.String("address", e.addr))
	e.conn = conn
	e.watch = w
	return conn, nil
}

// withCertRequestHook returns a copy of cfg that records whether the server sent a CertificateRequest, and
// otherwise answers it as cfg would.
func withCertRequestHook(cfg *tls.Config, requested *bool) *tls.Config {
	c := cfg.Clone()
	inner := cfg.GetClientCertificate
	certs := cfg.Certificates
	c.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		*requested = true
		if inner != nil {
			return inner(cri)
		}
		// crypto/tls's own choice when GetClientCertificate is nil: the first certificate that fits,
		// else none
		for i := range certs {
			if cri.SupportsCertificate(&certs[i]) == nil {
				return &certs[i], nil
			}
		}
		return &tls.Certificate{}, nil
	}
	return c
}

// awaitAcceptance covers the one refusal the client's handshake cannot see. In TLS 1.3 the client's
// handshake ends when it sends its Finished message; the server checks the client certificate only then
// (RFC 8446 section 4.4.2.4) and answers a refusal with an alert one round trip later. A message written
// in between is accepted by the socket and lost. So when the server asked for a certificate, wait for that
// alert for about twice the time the TCP and TLS handshakes took (at least one round trip each), bounded.
func awaitAcceptance(ctx context.Context, w *connWatch, handshake time.Duration) error {
	wait := min(max(2*handshake, minAcceptWait), maxAcceptWait)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-w.dead:
		return fmt.Errorf("syslog receiver closed the connection after the TLS handshake (client certificate refused?): %w", w.err)
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
