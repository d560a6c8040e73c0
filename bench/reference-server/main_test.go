package main

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) zone {
	t.Helper()
	location, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return zone{name: name, location: location}
}

func TestDescribeLondonSummer(t *testing.T) {
	now := time.Date(2024, 7, 14, 12, 30, 0, 123456000, time.UTC) // a Sunday in BST
	got := describe(now, mustZone(t, "Europe/London"), "127.0.0.1")
	if got.Abbreviation != "BST" || !got.DST || got.DSTOffset != 3600 || got.RawOffset != 0 {
		t.Fatalf("DST fields: %+v", got)
	}
	if *got.DSTFrom != "2024-03-31T01:00:00+00:00" || *got.DSTUntil != "2024-10-27T01:00:00+00:00" {
		t.Fatalf("DST bounds: %s %s", *got.DSTFrom, *got.DSTUntil)
	}
	if got.Datetime != "2024-07-14T13:30:00.123456+01:00" || got.UTCDatetime != "2024-07-14T12:30:00.123456+00:00" {
		t.Fatalf("datetimes: %s %s", got.Datetime, got.UTCDatetime)
	}
	if got.DayOfWeek != 0 || got.WeekNumber != 28 || got.UTCOffset != "+01:00" || got.DayOfYear != 196 {
		t.Fatalf("calendar fields: %+v", got)
	}
}

func TestDescribeKathmanduWinter(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	got := describe(now, mustZone(t, "Asia/Kathmandu"), "127.0.0.1")
	if got.Abbreviation != "+0545" || got.DST || got.DSTFrom != nil || got.RawOffset != 20700 || got.UTCOffset != "+05:45" {
		t.Fatalf("%+v", got)
	}
}

func TestZoneIndexResolvesLinksCaseInsensitively(t *testing.T) {
	zones, err := loadZoneIndex("/usr/share/zoneinfo")
	if err != nil {
		t.Fatal(err)
	}
	if z := zones["us/eastern"]; z.name != "America/New_York" {
		t.Fatalf("US/Eastern resolved to %q", z.name)
	}
	if _, found := zones["posix/europe/london"]; found {
		t.Fatal("posix/ duplicates must be skipped")
	}
}

func TestTextIsOneLinePerJsonFieldWithNullEmpty(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	text := describe(now, mustZone(t, "Asia/Kathmandu"), "127.0.0.1").text()
	if !strings.HasPrefix(text, "abbreviation: +0545\nclient_ip: 127.0.0.1\n") ||
		!strings.Contains(text, "\ndst_from: \n") || !strings.HasSuffix(text, "\nweek_number: 1\n") ||
		strings.Count(text, "\n") != 15 {
		t.Fatalf("%q", text)
	}
}

func TestNamesAreCanonicalAndSorted(t *testing.T) {
	zones, err := loadZoneIndex("/usr/share/zoneinfo")
	if err != nil {
		t.Fatal(err)
	}
	names := zones.names()
	if !sort.StringsAreSorted(names) || slices.Contains(names, "US/Eastern") || !slices.Contains(names, "Europe/London") {
		t.Fatalf("%d names: %v", len(names), names[:5])
	}
}
