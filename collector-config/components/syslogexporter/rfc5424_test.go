package syslogexporter

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func record(t *testing.T) plog.LogRecord {
	t.Helper()
	lr := plog.NewLogRecord()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 11, 20, 9, 0, 1, 123456000, time.UTC)))
	return lr
}

func TestFormatDefaults(t *testing.T) {
	got := formatRFC5424(record(t), time.Now())
	want := "<165>1 2026-11-20T09:00:01.123456Z - - - - -"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFormatHeaderAndStructuredData(t *testing.T) {
	lr := record(t)
	a := lr.Attributes()
	a.PutInt(attrPriority, 84)
	a.PutStr(attrHostname, "web 1") // a space is not PRINTUSASCII
	a.PutStr(attrAppName, "shop")
	a.PutStr(attrMsgID, "authn_login_fail")
	a.PutStr(attrMessage, "secmon.authn.login_fail")
	sd := a.PutEmptyMap(attrStructuredData).PutEmptyMap("secmon@32473")
	sd.PutStr("user.name", `a"b]c\d`+"\n"+"e")
	sd.PutEmptySlice("event.type").FromRaw([]any{"start", "info"})
	sd.PutInt("ocsf.class_uid", 3002)
	got := formatRFC5424(lr, time.Now())
	want := `<84>1 2026-11-20T09:00:01.123456Z web_1 shop - authn_login_fail [secmon@32473 event.type="start,info" ocsf.class_uid="3002" user.name="a\"b\]c\\d\\ne"] secmon.authn.login_fail`
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestMessageIsOneLine(t *testing.T) {
	lr := record(t)
	lr.Body().SetStr("first\r\nsecond\x1b[31m\u2028third\xff")
	got := formatRFC5424(lr, time.Now())
	if strings.ContainsAny(got, "\r\n\x1b\u2028") {
		t.Fatalf("control characters left in %q", got)
	}
	if !strings.HasSuffix(got, `first\r\nsecond\u{001B}[31m\u{2028}third`+"\uFFFD") {
		t.Fatalf("unexpected message %q", got)
	}
}

func TestSDNamesAreSanitised(t *testing.T) {
	lr := record(t)
	lr.Attributes().PutEmptyMap(attrStructuredData).PutEmptyMap(`bad id="x"]`).PutStr("k=v", "1")
	got := formatRFC5424(lr, time.Now())
	if !strings.Contains(got, `[bad_id__x__ k_v="1"]`) {
		t.Fatalf("SD names not sanitised: %q", got)
	}
}

func TestValidate(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	if err := cfg.Validate(); err == nil {
		t.Fatal("an empty endpoint must be refused")
	}
	cfg.Endpoint = "127.0.0.1"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config with an endpoint: %v", err)
	}
	cfg.Protocol = "rfc3164"
	if err := cfg.Validate(); err == nil {
		t.Fatal("rfc3164 must be refused by this build")
	}
}
