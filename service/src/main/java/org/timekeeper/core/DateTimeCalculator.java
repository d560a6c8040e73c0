package org.timekeeper.core;

import org.joda.time.DateTimeZone;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes the DateTime facts of a zone at an instant. Every field comes from Joda-Time's zone
 * rules (offsets, DST, transitions and tzdata's own abbreviations such as {@code CET} or
 * {@code -03}), so they all come from one tz release and cannot disagree; java.time only does
 * calendar arithmetic on the resulting local date-time.
 */
public final class DateTimeCalculator {
    private static final DateTimeFormatter LOCAL_DATE_TIME_MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter LOCAL_DATE_TIME_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final Map<String, DateTimeZone> zonesByCanonicalName;

    public DateTimeCalculator(ZoneCatalog catalog) {
        this.zonesByCanonicalName = catalog.zoneNames().stream()
                .collect(Collectors.toUnmodifiableMap(Function.identity(), DateTimeZone::forID));
    }

    /**
     * DST is in force when the offset differs from the standard one and standard time comes
     * back. A "DST" that never ends is the zone's new standard time: Joda-Time compiles
     * Namibia's move to CAT in 2017 as summer time kept for good, where tzdata says standard.
     *
     * @param canonicalName a name from {@link ZoneCatalog#zoneNames()} (resolve requests with
     *                      {@link ZoneCatalog#canonicalName(String)} first)
     */
    public DateTimeFacts at(String canonicalName, Instant instant) {
        DateTimeZone zone = zonesByCanonicalName.get(canonicalName);
        if (zone == null) {
            throw new IllegalArgumentException("not a canonical zone name: " + canonicalName);
        }
        long millis = instant.toEpochMilli();
        int offsetSeconds = zone.getOffset(millis) / 1000;
        String dstUntil = offsetSeconds == zone.getStandardOffset(millis) / 1000 ? null : endOfDstPeriod(zone, millis);
        boolean dst = dstUntil != null;
        int rawOffsetSeconds = dst ? zone.getStandardOffset(millis) / 1000 : offsetSeconds;
        LocalDateTime local = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.ofTotalSeconds(offsetSeconds));
        String utcOffset = formatOffset(offsetSeconds);

        return new DateTimeFacts(
                zone.getNameKey(millis),
                LOCAL_DATE_TIME_MICROS.format(local) + utcOffset,
                local.getDayOfWeek().getValue() % 7,
                local.getDayOfYear(),
                dst,
                dst ? startOfDstPeriod(zone, millis) : null,
                offsetSeconds - rawOffsetSeconds,
                dstUntil,
                rawOffsetSeconds,
                canonicalName,
                instant.getEpochSecond(),
                LOCAL_DATE_TIME_MICROS.format(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC)) + "+00:00",
                utcOffset,
                local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
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

    /**
     * The first instant after the DST period containing {@code millis}, where standard time
     * resumes; null when it never does.
     */
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
        LocalDateTime utc = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis + 999, 1000L), 0, ZoneOffset.UTC);
        return LOCAL_DATE_TIME_SECONDS.format(utc) + "+00:00";
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
