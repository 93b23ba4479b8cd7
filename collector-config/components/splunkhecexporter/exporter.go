package splunkhecexporter // import "github.com/secmon/otelcol-secmon/components/splunkhecexporter"

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// hecEvent is one HEC event (https://docs.splunk.com/Documentation/Splunk/latest/Data/FormateventsforHTTPEventCollector).
type hecEvent struct {
	Time       float64        `json:"time,omitempty"`
	Host       string         `json:"host,omitempty"`
	Source     string         `json:"source,omitempty"`
	SourceType string         `json:"sourcetype,omitempty"`
	Index      string         `json:"index,omitempty"`
	Event      any            `json:"event"`
	Fields     map[string]any `json:"fields,omitempty"`
}

type hecExporter struct {
	cfg      *Config
	settings component.TelemetrySettings
	client   *http.Client
}

func newHecExporter(cfg *Config, set exporter.Settings) *hecExporter {
	return &hecExporter{cfg: cfg, settings: set.TelemetrySettings}
}

func (e *hecExporter) start(ctx context.Context, host component.Host) error {
	client, err := e.cfg.ToClient(ctx, host.GetExtensions(), e.settings)
	if err != nil {
		return err
	}
	// HEC does not redirect. net/http would follow a 307/308 from the https endpoint to an http:// URL on
	// the same host with the Authorization header, i.e. send the token and the events in plaintext; a 3xx
	// is returned to send() instead.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	e.client = client
	return nil
}

// pushLogs sends the batch as newline-separated HEC events, in requests of at most max_content_length_logs.
func (e *hecExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	var body bytes.Buffer
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		res := rls.At(i).Resource().Attributes()
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				line, err := json.Marshal(e.toEvent(res, lrs.At(k)))
				if err != nil {
					return consumererror.NewPermanent(err)
				}
				if body.Len() > 0 && uint(body.Len()+len(line)+1) > e.cfg.MaxContentLengthLogs {
					if err := e.send(ctx, body.Bytes()); err != nil {
						return err
					}
					body.Reset()
				}
				body.Write(line)
				body.WriteByte('\n')
			}
		}
	}
	if body.Len() == 0 {
		return nil
	}
	return e.send(ctx, body.Bytes())
}

func (e *hecExporter) toEvent(res pcommon.Map, lr plog.LogRecord) hecEvent {
	meta := e.cfg.HecToOtelAttrs
	ev := hecEvent{Source: e.cfg.Source, SourceType: e.cfg.SourceType, Index: e.cfg.Index}
	fields := make(map[string]any, res.Len()+lr.Attributes().Len()+4)
	take := func(k string, v pcommon.Value) bool {
		switch k {
		case meta.Host:
			ev.Host = v.AsString()
		case meta.Source:
			ev.Source = v.AsString()
		case meta.SourceType:
			ev.SourceType = v.AsString()
		case meta.Index:
			ev.Index = v.AsString()
		default:
			fields[k] = fieldValue(v)
		}
		return true
	}
	res.Range(take)
	lr.Attributes().Range(take)

	if lr.SeverityText() != "" {
		fields["otel.log.severity.text"] = lr.SeverityText()
	}
	if lr.SeverityNumber() != plog.SeverityNumberUnspecified {
		fields["otel.log.severity.number"] = strconv.Itoa(int(lr.SeverityNumber()))
	}
	if name := lr.EventName(); name != "" {
		fields["otel.log.event_name"] = name
	}
	if tid := lr.TraceID(); !tid.IsEmpty() {
		fields["trace_id"] = hex.EncodeToString(tid[:])
	}
	if sid := lr.SpanID(); !sid.IsEmpty() {
		fields["span_id"] = hex.EncodeToString(sid[:])
	}
	if len(fields) > 0 {
		ev.Fields = fields
	}

	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	if ts != 0 {
		// seconds with millisecond precision, as HEC expects
		ev.Time = math.Round(float64(ts)/1e6) / 1e3
	}

	// HEC refuses an empty event; a secmon event's body is empty or constant, so fall back to its name.
	switch {
	case lr.Body().Type() != pcommon.ValueTypeEmpty && lr.Body().AsString() != "":
		ev.Event = lr.Body().AsRaw()
	case lr.EventName() != "":
		ev.Event = lr.EventName()
	default:
		ev.Event = "-"
	}
	return ev
}

// fieldValue keeps HEC indexed fields to strings and string arrays.
func fieldValue(v pcommon.Value) any {
	if v.Type() == pcommon.ValueTypeSlice {
		out := make([]string, 0, v.Slice().Len())
		for i := 0; i < v.Slice().Len(); i++ {
			out = append(out, v.Slice().At(i).AsString())
		}
		return out
	}
	return v.AsString()
}

func (e *hecExporter) send(ctx context.Context, payload []byte) error {
	var reader io.Reader = bytes.NewReader(payload)
	gzipped := false
	if !e.cfg.DisableCompression {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		if _, err := zw.Write(payload); err != nil {
			return consumererror.NewPermanent(err)
		}
		if err := zw.Close(); err != nil {
			return consumererror.NewPermanent(err)
		}
		reader = &zb
		gzipped = true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.Endpoint, reader)
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Splunk "+string(e.cfg.Token))
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return err // network error: retried
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		// the endpoint is misconfigured, not the payload: keep the batch queued until it is fixed
		return fmt.Errorf("HEC %d: redirect to %q not followed; set the endpoint to the HEC URL itself", resp.StatusCode, resp.Header.Get("Location"))
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if s := resp.Header.Get("Retry-After"); s != "" {
			if secs, perr := strconv.Atoi(s); perr == nil {
				return exporterhelper.NewThrottleRetry(fmt.Errorf("HEC %d: %s", resp.StatusCode, msg), time.Duration(secs)*time.Second)
			}
		}
		return fmt.Errorf("HEC %d: %s", resp.StatusCode, msg)
	case resp.StatusCode >= 500:
		return fmt.Errorf("HEC %d: %s", resp.StatusCode, msg)
	default:
		// 4xx other than throttling: the same payload will never be accepted
		return consumererror.NewPermanent(fmt.Errorf("HEC %d: %s", resp.StatusCode, msg))
	}
}
