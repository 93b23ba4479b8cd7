package splunkhecexporter

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func logs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "shop")
	rl.Resource().Attributes().PutStr("host.name", "web1")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("secmon.authn.login_fail")
	lr.SetSeverityNumber(plog.SeverityNumberWarn)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.UnixMilli(1_795_165_201_123)))
	lr.Attributes().PutStr("user.name", "a\"b\nc")
	lr.Attributes().PutEmptySlice("event.type").FromRaw([]any{"start"})
	lr.Attributes().PutStr("com.splunk.index", "override")
	return ld
}

func newTestExporter(t *testing.T, url string) *hecExporter {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = url
	cfg.Token = "tok"
	cfg.Source = "secmon"
	cfg.SourceType = "secmon:event"
	cfg.Index = "security"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newHecExporter(cfg, exportertest.NewNopSettings(typeStr))
	if err := e.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPushLogsMapsAndAuthenticates(t *testing.T) {
	var got hecEvent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Splunk tok" || r.Header.Get("Content-Encoding") != "gzip" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		zr, _ := gzip.NewReader(r.Body)
		body, _ := io.ReadAll(zr)
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		if len(lines) != 1 {
			t.Errorf("want 1 event line, got %d", len(lines))
		}
		_ = json.Unmarshal([]byte(lines[0]), &got)
		_, _ = w.Write([]byte(`{"text":"Success","code":0}`))
	}))
	defer srv.Close()
	if err := newTestExporter(t, srv.URL).pushLogs(context.Background(), logs()); err != nil {
		t.Fatal(err)
	}
	if got.Event != "secmon.authn.login_fail" || got.Host != "web1" || got.Index != "override" || got.SourceType != "secmon:event" {
		t.Fatalf("unexpected event %+v", got)
	}
	if got.Time != 1795165201.123 {
		t.Fatalf("time %v", got.Time)
	}
	if got.Fields["user.name"] != "a\"b\nc" || got.Fields["otel.log.severity.number"] != "13" || got.Fields["service.name"] != "shop" {
		t.Fatalf("unexpected fields %+v", got.Fields)
	}
}

func TestPushLogsErrors(t *testing.T) {
	status := http.StatusBadRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	e := newTestExporter(t, srv.URL)
	if err := e.pushLogs(context.Background(), logs()); !consumererror.IsPermanent(err) {
		t.Fatalf("400 must be permanent, got %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := e.pushLogs(context.Background(), logs()); err == nil || consumererror.IsPermanent(err) {
		t.Fatalf("503 must be retryable, got %v", err)
	}
}
