package org.timekeeper.health;

import com.codahale.metrics.health.HealthCheck;
import org.joda.time.DateTimeZone;

/** Ready when the tz database answers: a well-known zone loads and has an offset. */
public class TimeDataHealthCheck extends HealthCheck {

    public static final String NAME = "time-data";

    private static final String PROBE_ZONE = "Europe/London";

    @Override
    protected Result check() {
        final DateTimeZone zone = DateTimeZone.forID(PROBE_ZONE);
        zone.getOffset(System.currentTimeMillis());
        return Result.healthy("%s loaded", PROBE_ZONE);
    }
}
