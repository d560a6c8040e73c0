package org.timekeeper.core;

import org.joda.time.DateTimeZone;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes the DateTime facts of a zone at an instant. Every field comes from Joda-Time's zone
 * rules (offsets, DST, transitions and tzdata's own abbreviations such as {@code CET} or
 * {@code -03}), so they all come from one tz release and cannot disagree; java.time only does
 * calendar arithmetic on the resulting local date.
 *
 * <p>What holds between two transitions of a zone (offsets, abbreviation, the DST period) is
 * worked out once and kept per zone until the next transition passes; only the clock readings
 * are computed per call.
 */
public final class DateTimeCalculator {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final int SECONDS_PER_DAY = 86_400;

    private final Map<String, ZoneState> zonesByCanonicalName;

    public DateTimeCalculator(ZoneCatalog catalog) {
        this.zonesByCanonicalName = catalog.zoneNames().stream()
                .collect(Collectors.toUnmodifiableMap(Function.identity(),
                        name -> new ZoneState(DateTimeZone.forID(name))));
    }

    /**
     * @param canonicalName a name from {@link ZoneCatalog#zoneNames()} (resolve requests with
     *                      {@link ZoneCatalog#canonicalName(String)} first)
     */
    public DateTimeFacts at(String canonicalName, Instant instant) {
        ZoneState zone = zonesByCanonicalName.get(canonicalName);
        if (zone == null) {
            throw new IllegalArgumentException("not a canonical zone name: " + canonicalName);
        }
        long epochSecond = instant.getEpochSecond();
        int micros = instant.getNano() / 1000;
        ZonePeriod period = zone.periodAt(instant.toEpochMilli());

        long localSecond = epochSecond + period.offsetSeconds();
        long localDay = Math.floorDiv(localSecond, SECONDS_PER_DAY);
        LocalDate localDate = LocalDate.ofEpochDay(localDay);
        long utcDay = Math.floorDiv(epochSecond, SECONDS_PER_DAY);

        return new DateTimeFacts(
                period.abbreviation(),
                appendDateTime(new StringBuilder(32), localDate, Math.floorMod(localSecond, SECONDS_PER_DAY), micros)
                        .append(period.utcOffset()).toString(),
                (int) Math.floorMod(localDay + 4, 7), // 1970-01-01 was a Thursday; Sunday is 0
                localDate.getDayOfYear(),
                period.dst(),
                period.dstFrom(),
                period.dstOffset(),
                period.dstUntil(),
                period.rawOffset(),
                canonicalName,
                epochSecond,
                appendDateTime(new StringBuilder(32), LocalDate.ofEpochDay(utcDay),
                        Math.floorMod(epochSecond, SECONDS_PER_DAY), micros).append("+00:00").toString(),
                period.utcOffset(),
                localDate.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** What a zone says between two of its transitions: the same for every instant of [from, until). */
    private record ZonePeriod(long fromMillis, long untilMillis, int offsetSeconds, String abbreviation, boolean dst,
                              String dstFrom, int dstOffset, String dstUntil, int rawOffset, String utcOffset) {

        boolean contains(long millis) {
            return millis >= fromMillis && millis < untilMillis;
        }
    }

    /** A zone's rules and its period most recently asked for (replaced whole, so readers never see half of one). */
    private static final class ZoneState {
        private final DateTimeZone zone;
        private volatile ZonePeriod current;

        ZoneState(DateTimeZone zone) {
            this.zone = zone;
        }

        ZonePeriod periodAt(long millis) {
            ZonePeriod period = current;
            if (period == null || !period.contains(millis)) {
                period = periodOf(zone, millis);
                current = period;
            }
            return period;
        }
    }

    /**
     * DST is in force when the offset differs from the standard one and standard time comes
     * back. A "DST" that never ends is the zone's new standard time: Joda-Time compiles
     * Namibia's move to CAT in 2017 as summer time kept for good, where tzdata says standard.
     */
    private static ZonePeriod periodOf(DateTimeZone zone, long millis) {
        int offsetSeconds = zone.getOffset(millis) / 1000;
        String dstUntil = offsetSeconds == zone.getStandardOffset(millis) / 1000 ? null : endOfDstPeriod(zone, millis);
        boolean dst = dstUntil != null;
        int rawOffsetSeconds = dst ? zone.getStandardOffset(millis) / 1000 : offsetSeconds;
        long lastMillisBefore = zone.previousTransition(millis);
        long next = zone.nextTransition(millis);
        return new ZonePeriod(
                lastMillisBefore == millis ? Long.MIN_VALUE : lastMillisBefore + 1,
                next == millis ? Long.MAX_VALUE : next,
                offsetSeconds,
                zone.getNameKey(millis),
                dst,
                dst ? startOfDstPeriod(zone, millis) : null,
                offsetSeconds - rawOffsetSeconds,
                dstUntil,
                rawOffsetSeconds,
                formatOffset(offsetSeconds));
    }

    /**
     * The first instant of the DST period containing {@code millis}. A DST period can span several
     * tz transitions (an abbreviation or offset change while DST stays in force), so walk back to
     * the transition that entered DST. Joda's previousTransition returns the last millisecond
     * before a transition, or its argument when there is none.
     */
    private static String startOfDstPeriod(DateTimeZone zone, long millis) {
        long probe = millis;
        while (true) {
            long lastMillisBefore = zone.previousTransition(probe);
            if (lastMillisBefore == probe) {
                return null;
            }
            if (zone.isStandardOffset(lastMillisBefore)) {
                return formatTransition(lastMillisBefore + 1);
            }
            probe = lastMillisBefore;
        }
    }

    /** The first instant after the DST period containing {@code millis}, where standard time resumes; null when it never does. */
    private static String endOfDstPeriod(DateTimeZone zone, long millis) {
        long probe = millis;
        while (true) {
            long next = zone.nextTransition(probe);
            if (next == probe) {
                return null;
            }
            if (zone.isStandardOffset(next)) {
                return formatTransition(next);
            }
            probe = next;
        }
    }

    /**
     * tz transitions fall on whole seconds, but Joda-Time compiles a rule's "24:00" as 23:59:59.999,
     * one millisecond early (Asia/Dhaka's DST end on 2009-12-31); rounding up restores the second.
     */
    private static String formatTransition(long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis + 999, 1000L);
        StringBuilder out = new StringBuilder(25);
        appendDate(out, LocalDate.ofEpochDay(Math.floorDiv(epochSecond, SECONDS_PER_DAY))).append('T');
        return appendTime(out, Math.floorMod(epochSecond, SECONDS_PER_DAY)).append("+00:00").toString();
    }

    /** uuuu-MM-ddTHH:mm:ss.SSSSSS, by hand: DateTimeFormatter was among the service's hottest methods. */
    private static StringBuilder appendDateTime(StringBuilder out, LocalDate date, long secondOfDay, int micros) {
        appendDate(out, date).append('T');
        appendTime(out, secondOfDay).append('.');
        String fraction = Long.toString(MICROS_PER_SECOND + micros);
        return out.append(fraction, 1, fraction.length());
    }

    private static StringBuilder appendDate(StringBuilder out, LocalDate date) {
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year outside 0000-9999: " + year);
        }
        appendTwoDigits(out, year / 100);
        appendTwoDigits(out, year % 100).append('-');
        appendTwoDigits(out, date.getMonthValue()).append('-');
        return appendTwoDigits(out, date.getDayOfMonth());
    }

    private static StringBuilder appendTime(StringBuilder out, long secondOfDay) {
        int seconds = (int) secondOfDay;
        appendTwoDigits(out, seconds / 3600).append(':');
        appendTwoDigits(out, seconds / 60 % 60).append(':');
        return appendTwoDigits(out, seconds % 60);
    }

    /**
     * ±HH:MM, with :SS only where tzdata's offset has seconds (local mean time before 1972), as
     * ISO-8601 allows. Built by hand: String.format here was the service's hottest method.
     */
    static String formatOffset(int totalSeconds) {
        int abs = Math.abs(totalSeconds);
        StringBuilder out = new StringBuilder(9).append(totalSeconds < 0 ? '-' : '+');
        appendTwoDigits(out, abs / 3600).append(':');
        appendTwoDigits(out, abs / 60 % 60);
        if (abs % 60 != 0) {
            appendTwoDigits(out.append(':'), abs % 60);
        }
        return out.toString();
    }

    private static StringBuilder appendTwoDigits(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
