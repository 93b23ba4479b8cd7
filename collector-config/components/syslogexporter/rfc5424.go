package syslogexporter // import "github.com/secmon/otelcol-secmon/components/syslogexporter"

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Record attributes read by the formatter: the contrib exporter's contract.
const (
	attrAppName        = "appname"
	attrHostname       = "hostname"
	attrMessage        = "message"
	attrMsgID          = "msg_id"
	attrPriority       = "priority"
	attrProcID         = "proc_id"
	attrStructuredData = "structured_data"
	attrVersion        = "version"

	defaultPriority = 165 // local4.notice, as in contrib
	defaultVersion  = 1
	nilValue        = "-"
	// RFC 5424 section 6: header field and SD-NAME length limits.
	maxHostname = 255
	maxAppName  = 48
	maxProcID   = 128
	maxMsgID    = 32
	maxSDName   = 32
)

// formatRFC5424 renders one log record as an RFC 5424 message, without framing.
func formatRFC5424(lr plog.LogRecord, now time.Time) string {
	attrs := lr.Attributes()
	var b strings.Builder
	b.Grow(256)

	pri := intAttr(attrs, attrPriority, defaultPriority)
	if pri < 0 || pri > 191 {
		pri = defaultPriority
	}
	version := intAttr(attrs, attrVersion, defaultVersion)
	if version < 1 || version > 999 {
		version = defaultVersion
	}
	b.WriteByte('<')
	b.WriteString(strconv.FormatInt(pri, 10))
	b.WriteByte('>')
	b.WriteString(strconv.FormatInt(version, 10))
	b.WriteByte(' ')
	b.WriteString(timestampOf(lr, now).UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	b.WriteByte(' ')
	b.WriteString(headerField(strAttr(attrs, attrHostname), maxHostname))
	b.WriteByte(' ')
	b.WriteString(headerField(strAttr(attrs, attrAppName), maxAppName))
	b.WriteByte(' ')
	b.WriteString(headerField(strAttr(attrs, attrProcID), maxProcID))
	b.WriteByte(' ')
	b.WriteString(headerField(strAttr(attrs, attrMsgID), maxMsgID))
	b.WriteByte(' ')
	writeStructuredData(&b, attrs)

	msg, ok := attrs.Get(attrMessage)
	text := ""
	if ok {
		text = msg.AsString()
	} else if lr.Body().Type() != pcommon.ValueTypeEmpty {
		text = lr.Body().AsString()
	}
	if text != "" {
		b.WriteByte(' ')
		b.WriteString(escapeControls(text))
	}
	return b.String()
}

func timestampOf(lr plog.LogRecord, now time.Time) time.Time {
	if ts := lr.Timestamp(); ts != 0 {
		return ts.AsTime()
	}
	if ts := lr.ObservedTimestamp(); ts != 0 {
		return ts.AsTime()
	}
	return now
}

func intAttr(attrs pcommon.Map, key string, def int64) int64 {
	v, ok := attrs.Get(key)
	if !ok {
		return def
	}
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int()
	case pcommon.ValueTypeDouble:
		return int64(v.Double())
	case pcommon.ValueTypeStr:
		if n, err := strconv.ParseInt(v.Str(), 10, 64); err == nil {
			return n
		}
	}
	return def
}

func strAttr(attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if !ok {
		return ""
	}
	return v.AsString()
}

// headerField keeps a header field within PRINTUSASCII (33..126) and its length limit; empty becomes "-".
func headerField(s string, limit int) string {
	if s == "" {
		return nilValue
	}
	out := make([]byte, 0, min(len(s), limit))
	for i := 0; i < len(s) && len(out) < limit; i++ {
		c := s[i]
		if c < 33 || c > 126 {
			c = '_'
		}
		out = append(out, c)
	}
	return string(out)
}

// sdName keeps an SD-ID or PARAM-NAME within RFC 5424's SD-NAME: PRINTUSASCII except '=', SP, ']' and '"'.
func sdName(s string) string {
	if s == "" {
		return "_"
	}
	out := make([]byte, 0, min(len(s), maxSDName))
	for i := 0; i < len(s) && len(out) < maxSDName; i++ {
		c := s[i]
		if c < 33 || c > 126 || c == '=' || c == ']' || c == '"' {
			c = '_'
		}
		out = append(out, c)
	}
	return string(out)
}

// writeStructuredData renders the `structured_data` map of maps, sorted for stable output, or "-".
func writeStructuredData(b *strings.Builder, attrs pcommon.Map) {
	sd, ok := attrs.Get(attrStructuredData)
	if !ok || sd.Type() != pcommon.ValueTypeMap || sd.Map().Len() == 0 {
		b.WriteString(nilValue)
		return
	}
	ids := make([]string, 0, sd.Map().Len())
	sd.Map().Range(func(k string, _ pcommon.Value) bool {
		ids = append(ids, k)
		return true
	})
	sort.Strings(ids)
	for _, id := range ids {
		elem, _ := sd.Map().Get(id)
		b.WriteByte('[')
		b.WriteString(sdName(id))
		if elem.Type() == pcommon.ValueTypeMap {
			params := make([]string, 0, elem.Map().Len())
			elem.Map().Range(func(k string, _ pcommon.Value) bool {
				params = append(params, k)
				return true
			})
			sort.Strings(params)
			for _, p := range params {
				v, _ := elem.Map().Get(p)
				if v.Type() == pcommon.ValueTypeEmpty {
					continue // an attribute the event did not carry: leave the parameter out
				}
				b.WriteByte(' ')
				b.WriteString(sdName(p))
				b.WriteString(`="`)
				b.WriteString(escapeParamValue(paramString(v)))
				b.WriteByte('"')
			}
		}
		b.WriteByte(']')
	}
}

// paramString renders a value; arrays become comma-separated (ECS event.category, event.type are arrays).
func paramString(v pcommon.Value) string {
	if v.Type() != pcommon.ValueTypeSlice {
		return v.AsString()
	}
	parts := make([]string, 0, v.Slice().Len())
	for i := 0; i < v.Slice().Len(); i++ {
		parts = append(parts, v.Slice().At(i).AsString())
	}
	return strings.Join(parts, ",")
}

// escapeParamValue escapes '"', '\' and ']' (RFC 5424 section 6.3.3) and control characters (CWE-117).
func escapeParamValue(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '"', '\\', ']':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if needsEscape(r) {
				// the visible escape's own backslash is escaped too, so that any RFC 5424 parser gives back
				// exactly the two characters `\n` (or `\u{001B}`), never a control character
				var esc strings.Builder
				writeEscapedRune(&esc, r)
				b.WriteString(strings.ReplaceAll(esc.String(), `\`, `\\`))
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// escapeControls makes MSG one line: control characters are written visibly, never deleted, so the
// evidence survives and a value cannot start a forged message.
func escapeControls(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		writeEscapedRune(&b, r)
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func writeEscapedRune(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case needsEscape(r):
		fmt.Fprintf(b, `\u{%04X}`, r)
	default:
		b.WriteRune(r)
	}
}
