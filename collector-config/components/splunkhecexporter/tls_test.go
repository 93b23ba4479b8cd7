package splunkhecexporter

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
)

const testToken = "0b5a1c2e-secmon-test-token"

// hecServer is an HTTPS HEC endpoint on loopback. It counts the requests that reached the handler (a
// request only reaches it over a connection whose handshake succeeded) and records the server-side TLS
// errors, so a test sees the refusal from both ends.
type hecServer struct {
	*httptest.Server
	reached   atomic.Int32
	mu        sync.Mutex
	auth      []string
	events    []string
	peerCNs   []string
	tlsErrors bytes.Buffer
}

func newHECServer(t *testing.T, tlsCfg *tls.Config) *hecServer {
	t.Helper()
	s := &hecServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.reached.Add(1)
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(zr)
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.events = append(s.events, strings.Split(strings.TrimSpace(string(body)), "\n")...)
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			s.peerCNs = append(s.peerCNs, r.TLS.PeerCertificates[0].Subject.CommonName)
		}
		s.mu.Unlock()
		_, _ = w.Write([]byte(`{"text":"Success","code":0}`))
	}))
	s.TLS = tlsCfg
	s.Config.ErrorLog = log.New(&lockedWriter{mu: &s.mu, w: &s.tlsErrors}, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *hecServer) serverErrors() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsErrors.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// newTLSExporter builds the exporter from the overlay's keys (decoded by confmap as the collector does)
// and starts it.
func newTLSExporter(t *testing.T, url string, tlsKeys map[string]any) *hecExporter {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	conf := confmap.NewFromStringMap(map[string]any{
		"endpoint":   url + "/services/collector",
		"token":      testToken,
		"source":     "secmon",
		"sourcetype": "secmon:event",
		"index":      "security",
		"tls":        tlsKeys,
	})
	if err := conf.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newHecExporter(cfg, exportertest.NewNopSettings(typeStr))
	if err := e.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	return e
}

func pushWithTimeout(e *hecExporter) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.pushLogs(ctx, logs())
}

func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

func (s *hecServer) assertDelivered(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.auth) != 1 || s.auth[0] != "Splunk "+testToken {
		t.Fatalf("Authorization headers %q", s.auth)
	}
	if len(s.events) != 1 || !strings.Contains(s.events[0], `"event":"secmon.authn.login_fail"`) {
		t.Fatalf("events %q", s.events)
	}
}

// assertRefused checks that the export failed on certificate verification, retryably (the batch stays in
// the persistent queue until the trust is fixed), and that no request, and so no token, reached the server.
func (s *hecServer) assertRefused(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("the export must fail")
	}
	if consumererror.IsPermanent(err) {
		t.Fatalf("a TLS failure must be retryable, got a permanent error: %v", err)
	}
	if n := s.reached.Load(); n != 0 {
		t.Fatalf("the HEC handler was reached %d times: the token went over an unverified connection", n)
	}
}

func TestTLSWithCAFileDeliversWithToken(t *testing.T) {
	pki := newTestPKI(t)
	s := newHECServer(t, serverTLS(pki.server))
	e := newTLSExporter(t, s.URL, map[string]any{"ca_file": pki.caFile})
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("unexpected server URL %s", s.URL)
	}
	if err := pushWithTimeout(e); err != nil {
		t.Fatal(err)
	}
	s.assertDelivered(t)
}

func TestTLSUntrustedServerIsRefusedBeforeTheToken(t *testing.T) {
	pki := newTestPKI(t)
	s := newHECServer(t, serverTLS(pki.server))
	e := newTLSExporter(t, s.URL, map[string]any{}) // system roots: the test CA is not one of them
	err := pushWithTimeout(e)
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a certificate verification error, got %v", err)
	}
	s.assertRefused(t, err)
	// the server logs its side of the refusal asynchronously
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s.serverErrors(), "TLS handshake error"); {
		if time.Now().After(deadline) {
			t.Fatalf("the server saw no failed handshake: %q", s.serverErrors())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTLSWrongServerNameIsRefused(t *testing.T) {
	pki := newTestPKI(t)
	s := newHECServer(t, serverTLS(pki.wrongName))
	e := newTLSExporter(t, s.URL, map[string]any{"ca_file": pki.caFile})
	err := pushWithTimeout(e)
	var herr x509.HostnameError
	if !errors.As(err, &herr) {
		t.Fatalf("want a host name mismatch for 127.0.0.1, got %v", err)
	}
	s.assertRefused(t, err)
}

// `insecure: true` is a gRPC notion: for an https endpoint confighttp keeps TLS and verification on, so
// the key cannot be used to turn verification off by mistake.
func TestTLSInsecureDoesNotDisableVerification(t *testing.T) {
	pki := newTestPKI(t)
	s := newHECServer(t, serverTLS(pki.server))
	e := newTLSExporter(t, s.URL, map[string]any{"insecure": true})
	s.assertRefused(t, pushWithTimeout(e))
}

func TestTLSInsecureSkipVerifyConnects(t *testing.T) {
	pki := newTestPKI(t)
	s := newHECServer(t, serverTLS(pki.wrongName))
	e := newTLSExporter(t, s.URL, map[string]any{"insecure_skip_verify": true})
	if err := pushWithTimeout(e); err != nil {
		t.Fatal(err)
	}
	s.assertDelivered(t)
}

func TestMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	cfg := serverTLS(pki.server)
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = pki.pool

	t.Run("client certificate", func(t *testing.T) {
		s := newHECServer(t, cfg.Clone())
		e := newTLSExporter(t, s.URL, map[string]any{
			"ca_file": pki.caFile, "cert_file": pki.clientCertFile, "key_file": pki.clientKeyFile,
		})
		if err := pushWithTimeout(e); err != nil {
			t.Fatal(err)
		}
		s.assertDelivered(t)
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.peerCNs) != 1 || s.peerCNs[0] != "secmon-collector" {
			t.Fatalf("client certificates seen: %q", s.peerCNs)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		s := newHECServer(t, cfg.Clone())
		e := newTLSExporter(t, s.URL, map[string]any{"ca_file": pki.caFile})
		s.assertRefused(t, pushWithTimeout(e))
	})
}

// After a refused handshake the retry dials again (no broken connection is kept in the pool): the server
// fixes its certificate between the two attempts and the retried batch arrives.
func TestTLSRetrySucceedsOnceTheCertificateIsFixed(t *testing.T) {
	pki := newTestPKI(t)
	var fixed atomic.Bool
	// GetConfigForClient, not GetCertificate: httptest fills Certificates with its own, and crypto/tls calls
	// GetCertificate then only for a ClientHello with SNI, which a client dialing an IP does not send
	s := newHECServer(t, &tls.Config{MinVersion: tls.VersionTLS12, GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		if fixed.Load() {
			return serverTLS(pki.server), nil
		}
		return serverTLS(pki.wrongName), nil
	}})
	e := newTLSExporter(t, s.URL, map[string]any{"ca_file": pki.caFile})
	err := pushWithTimeout(e)
	var herr x509.HostnameError
	if !errors.As(err, &herr) {
		t.Fatalf("want a host name mismatch first, got %v", err)
	}
	s.assertRefused(t, err)
	fixed.Store(true)
	if err := pushWithTimeout(e); err != nil {
		t.Fatalf("retry after the certificate was fixed: %v", err)
	}
	s.assertDelivered(t)
}

// A redirect from the verified https endpoint to http:// on the same host would carry the token (net/http
// keeps Authorization for the same host) and the events in plaintext. The exporter does not follow it: the
// export fails, retryably, and the plaintext server is never reached.
func TestRedirectIsNotFollowed(t *testing.T) {
	pki := newTestPKI(t)
	var plainReached atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plainReached.Add(1) }))
	defer plain.Close()
	s := newHECServer(t, serverTLS(pki.server))
	s.Config.Handler = http.RedirectHandler(plain.URL+"/services/collector", http.StatusPermanentRedirect)
	e := newTLSExporter(t, s.URL, map[string]any{"ca_file": pki.caFile})
	err := pushWithTimeout(e)
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("want a redirect error, got %v", err)
	}
	if consumererror.IsPermanent(err) {
		t.Fatalf("want a retryable error, got %v", err)
	}
	if n := plainReached.Load(); n != 0 {
		t.Fatalf("the plaintext endpoint was reached %d times", n)
	}
}
