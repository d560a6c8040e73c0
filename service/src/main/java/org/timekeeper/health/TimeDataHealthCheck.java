package org.timekeeper.health;

import com.codahale.metrics.health.HealthCheck;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.ZoneCatalog;

import java.time.Clock;

/** Ready when the tz database is loaded and answers: a well-known zone resolves and computes. */
public class TimeDataHealthCheck extends HealthCheck {

    public static final String NAME = "time-data";

    static final String PROBE_ZONE = "Europe/London";

    private final ZoneCatalog catalog;
    private final DateTimeCalculator calculator;
    private final Clock clock;

    public TimeDataHealthCheck(ZoneCatalog catalog, DateTimeCalculator calculator, Clock clock) {
        this.catalog = catalog;
        this.calculator = calculator;
        this.clock = clock;
    }

    @Override
    protected Result check() {
        if (catalog.zoneNames().isEmpty()) {
            return Result.unhealthy("the tz database has no zones");
        }
        return catalog.canonicalName(PROBE_ZONE)
                .map(zone -> Result.healthy("tzdata %s, %d zones, %s is %s", catalog.tzdataVersion(),
                        catalog.zoneNames().size(), zone, calculator.at(zone, clock.instant()).utcOffset()))
                .orElseGet(() -> Result.unhealthy("%s is missing from the tz database", PROBE_ZONE));
    }
}
