package org.timekeeper.core;

/**
 * What WorldTimeAPI's DateTime object says about one zone at one instant, without the caller's address.
 * Timestamps are ISO-8601 strings with microseconds and a numeric offset; {@code dstFrom} and
 * {@code dstUntil} are null unless DST is in force.
 */
public record DateTimeFacts(
        String abbreviation,
        String datetime,
        int dayOfWeek,
        int dayOfYear,
        boolean dst,
        String dstFrom,
        int dstOffset,
        String dstUntil,
        int rawOffset,
        String timezone,
        long unixtime,
        String utcDatetime,
        String utcOffset,
        int weekNumber) {
}
