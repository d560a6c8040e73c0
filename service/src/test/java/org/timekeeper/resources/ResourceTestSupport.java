package org.timekeeper.resources;

import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.container.ContainerRequestFilter;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.ZoneCatalog;
import org.timekeeper.server.ClientIpFilter;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** What the ResourceExtension tests share: one tz catalog, a fixed clock, and the API's error mappers. */
final class ResourceTestSupport {

    /** 2026-07-01T12:00:00Z: summer in the north, so DST fields are set for Europe/London. */
    static final Instant NOW = Instant.parse("2026-07-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String CLIENT_IP = "203.0.113.7";
    static final ZoneCatalog CATALOG = ZoneCatalog.fromTzdata();
    static final DateTimeCalculator CALCULATOR = new DateTimeCalculator(CATALOG);

    private ResourceTestSupport() {
    }

    /** The in-memory container has no socket peer; client_ip is set the way ClientIpFilter would. */
    static ResourceExtension.Builder builder() {
        return ResourceExtension.builder()
                .setRegisterDefaultExceptionMappers(false)
                .addProvider(new WebApplicationExceptionMapper())
                .addProvider(new UnexpectedExceptionMapper())
                .addProvider((ContainerRequestFilter) request -> request.setProperty(ClientIpFilter.PROPERTY, CLIENT_IP));
    }
}
