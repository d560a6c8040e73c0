// Command reference-server is the Go peer that `make bench` measures timekeeper
// against: net/http and encoding/json only, serving the same WorldTimeAPI DateTime
// JSON (and its .txt form, and the list of zone names) and the same X-Served-By /
// X-App-Version headers, so both servers do comparable work per request (zone
// lookup, offset and DST arithmetic, encoding).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Layouts of the DateTime fields, as WorldTimeAPI prints them: local and UTC
// times with microseconds and a numeric offset, DST bounds to the second.
const (
	microsecondLayout = "2006-01-02T15:04:05.000000-07:00"
	secondLayout      = "2006-01-02T15:04:05-07:00"
)

// dateTime is WorldTimeAPI's DateTime object; field order and names match it.
type dateTime struct {
	Abbreviation string  `json:"abbreviation"`
	ClientIP     string  `json:"client_ip"`
	Datetime     string  `json:"datetime"`
	DayOfWeek    int     `json:"day_of_week"`
	DayOfYear    int     `json:"day_of_year"`
	DST          bool    `json:"dst"`
	DSTFrom      *string `json:"dst_from"`
	DSTOffset    int     `json:"dst_offset"`
	DSTUntil     *string `json:"dst_until"`
	RawOffset    int     `json:"raw_offset"`
	Timezone     string  `json:"timezone"`
	Unixtime     int64   `json:"unixtime"`
	UTCDatetime  string  `json:"utc_datetime"`
	UTCOffset    string  `json:"utc_offset"`
	WeekNumber   int     `json:"week_number"`
}

type zone struct {
	name     string
	location *time.Location
}

// zoneIndex maps lower-cased zone names (links included) to the canonical zone.
// It is built once at startup and only read afterwards, so it needs no lock.
type zoneIndex map[string]zone

// loadZoneIndex walks a zoneinfo tree (Debian's /usr/share/zoneinfo), keeping
// Area/Location[/Region] names; symbolic links there are tzdata's links, so the
// link target is the canonical name.
func loadZoneIndex(root string) (zoneIndex, error) {
	index := zoneIndex{}
	err := filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(root, path)
		if entry.IsDir() {
			if name == "posix" || name == "right" {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.Contains(name, "/") || !isTZif(path) {
			return nil
		}
		canonical := name
		if resolved, err := filepath.EvalSymlinks(path); err == nil {
			if rel, err := filepath.Rel(root, resolved); err == nil && strings.Contains(rel, "/") {
				canonical = rel
			}
		}
		location, err := time.LoadLocation(canonical)
		if err != nil {
			return fmt.Errorf("zone %s: %w", canonical, err)
		}
		index[strings.ToLower(name)] = zone{name: canonical, location: location}
		return nil
	})
	if err == nil && len(index) == 0 {
		err = errors.New("no zones found")
	}
	return index, err
}

func isTZif(path string) bool {
	file, err := os.Open(path)
	if err != nil {
		return false
	}
	defer file.Close()
	magic := make([]byte, 4)
	_, err = file.Read(magic)
	return err == nil && string(magic) == "TZif"
}

// describe computes the DateTime object of a zone at an instant.
func describe(now time.Time, z zone, clientIP string) dateTime {
	local := now.In(z.location)
	abbreviation, offset := local.Zone()
	result := dateTime{
		Abbreviation: abbreviation,
		ClientIP:     clientIP,
		Datetime:     local.Format(microsecondLayout),
		DayOfWeek:    int(local.Weekday()), // Sunday = 0, as WorldTimeAPI
		DayOfYear:    local.YearDay(),
		DST:          local.IsDST(),
		RawOffset:    offset,
		Timezone:     z.name,
		Unixtime:     now.Unix(),
		UTCDatetime:  now.UTC().Format(microsecondLayout),
		UTCOffset:    formatOffset(offset),
	}
	_, result.WeekNumber = local.ISOWeek()
	if result.DST {
		start, end := local.ZoneBounds()
		// Go's zones carry no standard offset; the one in force right after
		// this DST period ends is it (one hour less when the period never ends).
		result.RawOffset = offset - 3600
		if !end.IsZero() {
			if after := end.In(z.location); !after.IsDST() {
				_, result.RawOffset = after.Zone()
			}
			until := end.UTC().Format(secondLayout)
			result.DSTUntil = &until
		}
		if !start.IsZero() {
			from := start.UTC().Format(secondLayout)
			result.DSTFrom = &from
		}
		result.DSTOffset = offset - result.RawOffset
	}
	return result
}

// text is the DateTime object as WorldTimeAPI's .txt: one "key: value" line per
// field in the JSON order, null as an empty value.
func (d dateTime) text() string {
	orEmpty := func(value *string) string {
		if value == nil {
			return ""
		}
		return *value
	}
	var out strings.Builder
	fmt.Fprintf(&out, "abbreviation: %s\nclient_ip: %s\ndatetime: %s\nday_of_week: %d\nday_of_year: %d\n",
		d.Abbreviation, d.ClientIP, d.Datetime, d.DayOfWeek, d.DayOfYear)
	fmt.Fprintf(&out, "dst: %t\ndst_from: %s\ndst_offset: %d\ndst_until: %s\nraw_offset: %d\n",
		d.DST, orEmpty(d.DSTFrom), d.DSTOffset, orEmpty(d.DSTUntil), d.RawOffset)
	fmt.Fprintf(&out, "timezone: %s\nunixtime: %d\nutc_datetime: %s\nutc_offset: %s\nweek_number: %d\n",
		d.Timezone, d.Unixtime, d.UTCDatetime, d.UTCOffset, d.WeekNumber)
	return out.String()
}

// names are the canonical zone names of the index, sorted: the /api/timezone list.
func (index zoneIndex) names() []string {
	seen := map[string]bool{}
	names := []string{}
	for _, z := range index {
		if !seen[z.name] {
			seen[z.name] = true
			names = append(names, z.name)
		}
	}
	sort.Strings(names)
	return names
}

func formatOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("%c%02d:%02d", sign, seconds/3600, seconds/60%60)
}

type server struct {
	zones      zoneIndex
	names      []string
	instanceID string
	version    string
}

func (s *server) writeJSON(w http.ResponseWriter, status int, body any) {
	encoded, err := json.Marshal(body) // no trailing newline: the same bytes as the service
	if err != nil {
		log.Printf("encoding response: %v", err)
		status, encoded = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(encoded)
}

// withHeaders adds the headers every timekeeper response carries.
func (s *server) withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", s.instanceID)
		w.Header().Set("X-App-Version", s.version)
		next.ServeHTTP(w, r)
	})
}

func (s *server) timezone(w http.ResponseWriter, r *http.Request) {
	name, text := strings.CutSuffix(r.PathValue("zone"), ".txt")
	z, found := s.zones[strings.ToLower(name)]
	if !found {
		s.writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown location"})
		return
	}
	clientIP, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		clientIP = r.RemoteAddr
	}
	answer := describe(time.Now(), z, clientIP)
	if text {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(answer.text()))
		return
	}
	s.writeJSON(w, http.StatusOK, answer)
}

func (s *server) zoneNames(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, s.names)
}

// ready answers on the service's readiness path (-ready-path), so one probe fits both.
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
}

func main() {
	listen := flag.String("listen", "127.0.0.2:18090", "address to listen on (loopback only for benchmarks)")
	zoneinfo := flag.String("zoneinfo", "/usr/share/zoneinfo", "tzdata zoneinfo directory")
	version := flag.String("version", "go-reference", "value of the X-App-Version header")
	readyPath := flag.String("ready-path", "", "the service's readiness path without its query (service.yml, given by bench/run)")
	flag.Parse()
	if !strings.HasPrefix(*readyPath, "/") || strings.Contains(*readyPath, "?") {
		log.Fatalf("-ready-path must be a path without a query, got %q", *readyPath)
	}

	instanceID := os.Getenv("INSTANCE_ID")
	if instanceID == "" {
		instanceID, _ = os.Hostname()
	}
	zones, err := loadZoneIndex(*zoneinfo)
	if err != nil {
		log.Fatalf("loading zones from %s: %v", *zoneinfo, err)
	}
	s := &server{zones: zones, names: zones.names(), instanceID: instanceID, version: *version}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/timezone", s.zoneNames)
	mux.HandleFunc("GET /api/timezone/{zone...}", s.timezone)
	mux.HandleFunc("GET "+*readyPath, s.ready)
	mux.HandleFunc("/", s.notFound)
	httpServer := &http.Server{
		Addr:              *listen,
		Handler:           s.withHeaders(mux),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       75 * time.Second, // the service's keep-alive idle timeout
	}
	// Exit 0 on SIGTERM, as the service does, so a stop by PID is not a failure.
	stopped := make(chan struct{})
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
		<-signals
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpServer.Shutdown(ctx)
		close(stopped)
	}()
	log.Printf("reference-server: %d zones, listening on %s", len(zones), *listen)
	if err := httpServer.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	<-stopped
}
