package org.timekeeper.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.timekeeper.core.DateTimeFacts;

/**
 * WorldTimeAPI's DateTime object: every field always present (dst_from and dst_until are null
 * outside DST), in WorldTimeAPI's order.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"abbreviation", "client_ip", "datetime", "day_of_week", "day_of_year", "dst", "dst_from",
    "dst_offset", "dst_until", "raw_offset", "timezone", "unixtime", "utc_datetime", "utc_offset", "week_number"})
public record DateTimeResponse(
        @JsonProperty("abbreviation") String abbreviation,
        @JsonProperty("client_ip") String clientIp,
        @JsonProperty("datetime") String datetime,
        @JsonProperty("day_of_week") int dayOfWeek,
        @JsonProperty("day_of_year") int dayOfYear,
        @JsonProperty("dst") boolean dst,
        @JsonProperty("dst_from") String dstFrom,
        @JsonProperty("dst_offset") int dstOffset,
        @JsonProperty("dst_until") String dstUntil,
        @JsonProperty("raw_offset") int rawOffset,
        @JsonProperty("timezone") String timezone,
        @JsonProperty("unixtime") long unixtime,
        @JsonProperty("utc_datetime") String utcDatetime,
        @JsonProperty("utc_offset") String utcOffset,
        @JsonProperty("week_number") int weekNumber) {

    public static DateTimeResponse of(DateTimeFacts facts, String clientIp) {
        return new DateTimeResponse(facts.abbreviation(), clientIp, facts.datetime(), facts.dayOfWeek(),
                facts.dayOfYear(), facts.dst(), facts.dstFrom(), facts.dstOffset(), facts.dstUntil(),
                facts.rawOffset(), facts.timezone(), facts.unixtime(), facts.utcDatetime(), facts.utcOffset(),
                facts.weekNumber());
    }
}
