package syslogexporter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

// received is what a test listener got on one connection, read until the exporter closed it.
type received struct {
	data         []byte
	handshakeErr error
	peerCN       string // CN of the client certificate, if one was presented
	tls          bool
}

// syslogListener accepts TCP connections on loopback; with a TLS config it runs the server side of the
// handshake itself, so the tests see the server's view (handshake refused, client certificate) as well.
type syslogListener struct {
	ln   net.Listener
	port int
	got  chan received
}

func newSyslogListener(t *testing.T, tlsCfg *tls.Config) *syslogListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &syslogListener{ln: ln, port: ln.Addr().(*net.TCPAddr).Port, got: make(chan received, 16)}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn, tlsCfg)
		}
	}()
	return s
}

func (s *syslogListener) serve(conn net.Conn, tlsCfg *tls.Config) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := received{}
	if tlsCfg != nil {
		tc := tls.Server(conn, tlsCfg)
		r.tls = true
		if err := tc.Handshake(); err != nil {
			r.handshakeErr = err
			s.got <- r
			return
		}
		if peers := tc.ConnectionState().PeerCertificates; len(peers) > 0 {
			r.peerCN = peers[0].Subject.CommonName
		}
		conn = tc
	}
	r.data, _ = io.ReadAll(conn)
	s.got <- r
}

// next waits for the next connection's outcome.
func (s *syslogListener) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-s.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the listener saw no connection")
		return received{}
	}
}

// none asserts that no connection delivered anything.
func (s *syslogListener) none(t *testing.T) {
	t.Helper()
	select {
	case r := <-s.got:
		if len(r.data) > 0 {
			t.Fatalf("the listener received %q", r.data)
		}
	case <-time.After(100 * time.Millisecond):
	}
}

// newExporter builds the exporter from a configuration map with the overlay's keys (decoded by confmap,
// as the collector does), and starts it.
func newExporter(t *testing.T, port int, octetCounting bool, tlsKeys map[string]any) *syslogExporter {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	conf := confmap.NewFromStringMap(map[string]any{
		"endpoint":              "127.0.0.1",
		"port":                  port,
		"network":               "tcp",
		"protocol":              "rfc5424",
		"enable_octet_counting": octetCounting,
		"tls":                   tlsKeys,
	})
	if err := conf.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newSyslogExporter(cfg, exporter.Settings{
		ID:                component.NewID(typeStr),
		TelemetrySettings: component.TelemetrySettings{Logger: zap.NewNop()},
	})
	if err := e.start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.shutdown(context.Background()) })
	return e
}

func push(e *syslogExporter, ld plog.Logs) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.pushLogs(ctx, ld)
}

// twoEvents is a batch of two records with fixed timestamps, one of them with characters that must be
// escaped, so that the expected bytes are known exactly.
func twoEvents() plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i, user := range []string{"alice", "eve\"]\n<13>1 forged"} {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 11, 20, 9, 0, i, 0, time.UTC)))
		a := lr.Attributes()
		a.PutInt(attrPriority, 84)
		a.PutStr(attrHostname, "web1")
		a.PutStr(attrAppName, "shop")
		a.PutStr(attrMsgID, "authn_login_fail")
		a.PutStr(attrMessage, "secmon.authn.login_fail")
		a.PutEmptyMap(attrStructuredData).PutEmptyMap("secmon@32473").PutStr("user.name", user)
	}
	return ld
}

var wantMessages = []string{
	`<84>1 2026-11-20T09:00:00.000000Z web1 shop - authn_login_fail [secmon@32473 user.name="alice"] secmon.authn.login_fail`,
	`<84>1 2026-11-20T09:00:01.000000Z web1 shop - authn_login_fail [secmon@32473 user.name="eve\"\]\\n<13>1 forged"] secmon.authn.login_fail`,
}

// octetCounted parses RFC 5425 section 4.3 framing (SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG, the same as
// RFC 6587 3.4.1 octet counting), refusing anything else, including trailing bytes.
func octetCounted(t *testing.T, data []byte) []string {
	t.Helper()
	var msgs []string
	for len(data) > 0 {
		sp := strings.IndexByte(string(data), ' ')
		if sp <= 0 || data[0] == '0' {
			t.Fatalf("no MSG-LEN at %q", data)
		}
		n, err := strconv.Atoi(string(data[:sp]))
		if err != nil || sp+1+n > len(data) {
			t.Fatalf("bad MSG-LEN %q in %q", data[:sp], data)
		}
		msgs = append(msgs, string(data[sp+1:sp+1+n]))
		data = data[sp+1+n:]
	}
	return msgs
}

func assertMessages(t *testing.T, got []string) {
	t.Helper()
	if len(got) != len(wantMessages) {
		t.Fatalf("got %d messages %q, want %d", len(got), got, len(wantMessages))
	}
	for i := range got {
		if got[i] != wantMessages[i] {
			t.Fatalf("message %d:\n got  %q\n want %q", i, got[i], wantMessages[i])
		}
	}
}

func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// closeAndReceive shuts the exporter down (closing its connection) and returns what the listener read.
func closeAndReceive(t *testing.T, e *syslogExporter, s *syslogListener) received {
	t.Helper()
	if err := e.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s.next(t)
}

func TestTLSWithCAFileDeliversOctetCountedMessages(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.server))
	e := newExporter(t, s.port, true, map[string]any{"ca_file": pki.caFile})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	// a second batch reuses the connection
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if !r.tls || r.handshakeErr != nil {
		t.Fatalf("handshake: tls=%v err=%v", r.tls, r.handshakeErr)
	}
	msgs := octetCounted(t, r.data)
	assertMessages(t, msgs[:2])
	assertMessages(t, msgs[2:])
	s.none(t) // one connection for both batches
}

func TestTLSWithoutOctetCountingIsLFTerminated(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.server))
	e := newExporter(t, s.port, false, map[string]any{"ca_file": pki.caFile})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if got, want := string(r.data), wantMessages[0]+"\n"+wantMessages[1]+"\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// Without ca_file, configtls verifies against the system roots, which do not hold the test CA. The export
// fails, nothing is written, and the error is retryable: the batch stays in the (persistent) queue while an
// operator fixes the trust, instead of dropping security events for a configuration error.
func TestTLSUntrustedServerIsRefusedAndRetryable(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.server))
	e := newExporter(t, s.port, true, map[string]any{})
	err := push(e, twoEvents())
	if err == nil {
		t.Fatal("export to a server the system roots do not trust must fail")
	}
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a certificate verification error, got %v", err)
	}
	if consumererror.IsPermanent(err) {
		t.Fatalf("a TLS failure must be retryable, got a permanent error: %v", err)
	}
	r := s.next(t)
	if r.handshakeErr == nil || len(r.data) != 0 {
		t.Fatalf("the server completed a handshake or got data: err=%v data=%q", r.handshakeErr, r.data)
	}
}

func TestTLSWrongServerNameIsRefused(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.wrongName))
	e := newExporter(t, s.port, true, map[string]any{"ca_file": pki.caFile})
	err := push(e, twoEvents())
	var herr x509.HostnameError
	if !errors.As(err, &herr) {
		t.Fatalf("want a host name mismatch for 127.0.0.1, got %v", err)
	}
	if consumererror.IsPermanent(err) {
		t.Fatalf("want a retryable error, got %v", err)
	}
	if r := s.next(t); r.handshakeErr == nil || len(r.data) != 0 {
		t.Fatalf("the server completed a handshake or got data: err=%v data=%q", r.handshakeErr, r.data)
	}
}

// server_name_override is what makes a certificate issued for a DNS name usable when the endpoint is an IP.
func TestTLSServerNameOverride(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.wrongName))
	e := newExporter(t, s.port, true, map[string]any{"ca_file": pki.caFile, "server_name_override": "wrong.example"})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	assertMessages(t, octetCounted(t, closeAndReceive(t, e, s).data))
}

func TestTLSInsecureSkipVerifyConnects(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.wrongName)) // untrusted by the system roots and for another name
	e := newExporter(t, s.port, true, map[string]any{"insecure_skip_verify": true})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if !r.tls || r.handshakeErr != nil {
		t.Fatalf("handshake: tls=%v err=%v", r.tls, r.handshakeErr)
	}
	assertMessages(t, octetCounted(t, r.data))
}

func TestTLSInsecureSpeaksPlainTCP(t *testing.T) {
	s := newSyslogListener(t, nil)
	e := newExporter(t, s.port, true, map[string]any{"insecure": true})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if len(r.data) == 0 || r.data[0] == 0x16 { // 0x16: a TLS handshake record
		t.Fatalf("want plaintext syslog, got %q", r.data)
	}
	assertMessages(t, octetCounted(t, r.data))
}

// configtls keeps TLS on when `insecure: true` comes with a CA (ClientConfig.LoadTLSConfig), as contrib does:
// setting SECMON_SYSLOG_CA_FILE wins over SECMON_SYSLOG_TLS_INSECURE, never the other way round.
func TestTLSInsecureWithCAFileStillVerifies(t *testing.T) {
	pki := newTestPKI(t)
	s := newSyslogListener(t, serverTLS(pki.server))
	e := newExporter(t, s.port, true, map[string]any{"insecure": true, "ca_file": pki.caFile})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if !r.tls || r.handshakeErr != nil {
		t.Fatalf("want TLS, got tls=%v err=%v", r.tls, r.handshakeErr)
	}
	assertMessages(t, octetCounted(t, r.data))
}

func TestMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	cfg := serverTLS(pki.server)
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = pki.pool
	s := newSyslogListener(t, cfg)
	e := newExporter(t, s.port, true, map[string]any{
		"ca_file":   pki.caFile,
		"cert_file": pki.clientCertFile,
		"key_file":  pki.clientKeyFile,
	})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	r := closeAndReceive(t, e, s)
	if r.handshakeErr != nil || r.peerCN != "secmon-collector" {
		t.Fatalf("handshake err=%v, client certificate CN %q", r.handshakeErr, r.peerCN)
	}
	assertMessages(t, octetCounted(t, r.data))
}

// After a refused handshake the exporter holds no connection, so the retry dials again: here the server
// fixes its certificate between the two attempts, and the retried batch arrives.
func TestTLSReconnectsAfterHandshakeFailure(t *testing.T) {
	pki := newTestPKI(t)
	var fixed atomic.Bool
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		if fixed.Load() {
			return &pki.server, nil
		}
		return &pki.wrongName, nil
	}}
	s := newSyslogListener(t, cfg)
	e := newExporter(t, s.port, true, map[string]any{"ca_file": pki.caFile})
	var herr x509.HostnameError
	if err := push(e, twoEvents()); !errors.As(err, &herr) {
		t.Fatalf("the first export must fail on the server name, got %v", err)
	}
	if r := s.next(t); r.handshakeErr == nil {
		t.Fatal("the first handshake must fail on the server too")
	}
	fixed.Store(true)
	if err := push(e, twoEvents()); err != nil {
		t.Fatalf("retry after the certificate was fixed: %v", err)
	}
	assertMessages(t, octetCounted(t, closeAndReceive(t, e, s).data))
}

func TestValidateTLS(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "127.0.0.1"
	cfg.Network = networkUDP
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "udp cannot carry TLS") {
		t.Fatalf("udp with TLS on must be refused, got %v", err)
	}
	cfg.TLS.Insecure = true
	if err := cfg.Validate(); err != nil {
		t.Fatalf("udp with tls.insecure: %v", err)
	}
}

// In TLS 1.3 the client's handshake is over before the server checks the client certificate, so a refusal
// arrives as an alert after the exporter could already have written (and lost) a batch. Both exports must
// fail, retryably, and the server must read nothing.
func TestMutualTLSRefusedClientFailsTheExport(t *testing.T) {
	pki := newTestPKI(t)
	other := newTestPKI(t) // a CA the server does not trust
	for name, keys := range map[string]map[string]any{
		"no client certificate": {"ca_file": pki.caFile},
		"untrusted client certificate": {
			"ca_file": pki.caFile, "cert_file": other.clientCertFile, "key_file": other.clientKeyFile,
		},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := serverTLS(pki.server)
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
			cfg.ClientCAs = pki.pool
			s := newSyslogListener(t, cfg)
			e := newExporter(t, s.port, true, keys)
			for i := range 2 {
				err := push(e, twoEvents())
				if err == nil {
					t.Fatalf("export %d reported success to a server that refused the client", i+1)
				}
				if consumererror.IsPermanent(err) {
					t.Fatalf("want a retryable error, got %v", err)
				}
				if r := s.next(t); r.handshakeErr == nil || len(r.data) != 0 {
					t.Fatalf("server: handshake err=%v, data %q", r.handshakeErr, r.data)
				}
			}
		})
	}
}

// A receiver that closes the kept connection (restart, idle timeout) must not cost the next batch: the
// exporter sees the close and dials again before writing.
func TestTLSReceiverClosedConnectionIsRedialled(t *testing.T) {
	pki := newTestPKI(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", serverTLS(pki.server))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	frames := ""
	for _, m := range wantMessages {
		frames += strconv.Itoa(len(m)) + " " + m
	}
	got := make(chan string, 2)
	go func() {
		// first connection: read one batch, then close it as a restarting receiver would
		c1, err := ln.Accept()
		if err != nil {
			return
		}
		b := make([]byte, len(frames))
		_, err = io.ReadFull(c1, b)
		_ = c1.Close()
		if err != nil {
			got <- "read: " + err.Error()
			return
		}
		got <- string(b)
		c2, err := ln.Accept()
		if err != nil {
			return
		}
		all, _ := io.ReadAll(c2)
		_ = c2.Close()
		got <- string(all)
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	e := newExporter(t, port, true, map[string]any{"ca_file": pki.caFile})
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	if first := <-got; first != frames {
		t.Fatalf("first connection got %q", first)
	}
	// let the close reach the exporter's side before the next batch
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.mu.Lock()
		closed := e.watch.closed()
		e.mu.Unlock()
		if closed || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := push(e, twoEvents()); err != nil {
		t.Fatal(err)
	}
	if err := e.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case second := <-got:
		if second != frames {
			t.Fatalf("second connection got %q, want the whole second batch", second)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second batch never arrived")
	}
}
