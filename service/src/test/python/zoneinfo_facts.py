"""The independent side of AllZonesAgainstZoneinfoTest: DateTime facts from Python's zoneinfo.

Reads "zone<TAB>epoch_second<TAB>dst_from<TAB>dst_until" lines on stdin (the last two are what
the service claims, or "-"), writes the tz release, then one line of tab-separated facts per
query on stdout. The tz
data is the `tzdata` package pinned in requirements.txt, never the OS's /usr/share/zoneinfo:
PYTHONTZPATH must be empty so both sides read the same tz release.
"""
import os
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import tzdata

MICROS = 123456  # the fraction both sides add to every instant, to check microsecond formatting


def iso_offset(td):
    total = int(td.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    text = f"{sign}{total // 3600:02d}:{total // 60 % 60:02d}"
    return text + (f":{total % 60:02d}" if total % 60 else "")


def dst_at(zone, epoch):
    return zone.dst(datetime.fromtimestamp(epoch, zone)) != timedelta(0)


def parse_utc(text):
    return int(datetime.fromisoformat(text).timestamp())


def utc_offset_seconds(zone, epoch):
    return int(datetime.fromtimestamp(epoch, zone).utcoffset().total_seconds())


def dst_period_check(zone, claimed_from, claimed_until):
    """Whether DST starts exactly at claimed_from and ends exactly at claimed_until, and the
    standard offsets in force just before and just after that period ("-" outside DST).

    TZif files record each period's total offset and an is-DST flag but not how much of it is
    DST, so zoneinfo's own dst() amount is a guess from neighbouring periods; the standard
    offsets either side of a DST period are facts, and the standard offset in force during it
    must be one of them (both, unless the zone changed its standard time at a DST switch).
    """
    if claimed_from == "-" or claimed_until == "-":
        return "-", "-"
    start, end = parse_utc(claimed_from), parse_utc(claimed_until)
    if not dst_at(zone, start) or dst_at(zone, start - 1):
        return "bad-dst_from", "-"
    if not dst_at(zone, end - 1) or dst_at(zone, end):
        return "bad-dst_until", "-"
    return "ok", f"{utc_offset_seconds(zone, start - 1)},{utc_offset_seconds(zone, end)}"


def main():
    if os.environ.get("PYTHONTZPATH", None) != "":
        sys.exit("PYTHONTZPATH must be set to an empty string so zoneinfo reads the pinned tzdata package")
    print(tzdata.IANA_VERSION, flush=False)
    zones = {}
    out = []
    for line in sys.stdin:
        name, epoch, claimed_from, claimed_until = line.rstrip("\n").split("\t")
        zone = zones.get(name) or zones.setdefault(name, ZoneInfo(name))
        epoch = int(epoch)
        local = datetime.fromtimestamp(epoch, zone).replace(microsecond=MICROS)  # keeps fold, unlike + timedelta
        utc = datetime.fromtimestamp(epoch, timezone.utc).replace(microsecond=MICROS)
        offset = local.utcoffset()
        dst = local.dst()
        out.append("\t".join([
            local.tzname(),
            local.isoformat(timespec="microseconds"),
            str(local.isoweekday() % 7),
            str(local.timetuple().tm_yday),
            "true" if dst != timedelta(0) else "false",
            str(int(dst.total_seconds())),
            str(int((offset - dst).total_seconds())),
            str(epoch),
            utc.isoformat(timespec="microseconds"),
            iso_offset(offset),
            str(local.isocalendar()[1]),
            *dst_period_check(zone, claimed_from, claimed_until),
        ]))
        if len(out) >= 10000:
            sys.stdout.write("\n".join(out) + "\n")
            out.clear()
    if out:
        sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
