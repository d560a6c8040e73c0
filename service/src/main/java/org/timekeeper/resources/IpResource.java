package org.timekeeper.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import org.timekeeper.api.MediaTypes;
import org.timekeeper.api.Representations;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.DateTimeFacts;
import org.timekeeper.core.IpZoneLocator;
import org.timekeeper.server.ClientIpFilter;

import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * /api/ip: the DateTime object of the zone an IP address is located in (the caller's, or one
 * given in the path). The location comes from a GeoIP database; without one every call answers
 * a 404 JSON error saying so, never a guess: on such a node /api/ip does not exist. That is a
 * choice of configuration, not a failure of the server, so it stays out of the 5xx answers
 * that monitoring and the load balancer count as server errors.
 */
@Path("/")
public class IpResource {

    static final String GEOIP_NOT_CONFIGURED =
            "IP geolocation is not configured on this server (GEOIP_DATABASE is empty)";
    static final String MALFORMED_IPV4 = "malformed IPv4 address";
    static final String UNKNOWN_IP_LOCATION = "no time zone known for this IP address";

    /** The OpenAPI document declares the same pattern (OpenApiContractTest holds the two equal). */
    public static final String IPV4_PATTERN =
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(IPV4_PATTERN);

    private final Optional<IpZoneLocator> locator;
    private final DateTimeCalculator calculator;
    private final Clock clock;

    public IpResource(Optional<IpZoneLocator> locator, DateTimeCalculator calculator, Clock clock) {
        this.locator = locator;
        this.calculator = calculator;
        this.clock = clock;
    }

    @GET
    @Path("ip")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String callerZone(@Context ContainerRequestContext request) {
        final String clientIp = ClientIpFilter.clientIpOf(request);
        return Representations.dateTimeJson(factsAt(clientIp), clientIp);
    }

    @GET
    @Path("ip.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String callerZoneText(@Context ContainerRequestContext request) {
        final String clientIp = ClientIpFilter.clientIpOf(request);
        return Representations.dateTimeText(factsAt(clientIp), clientIp);
    }

    @GET
    @Path("ip/{ipv4}")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String addressZone(@PathParam("ipv4") String ipv4, @Context ContainerRequestContext request) {
        return Representations.dateTimeJson(factsAt(wellFormed(ipv4)), ClientIpFilter.clientIpOf(request));
    }

    @GET
    @Path("ip/{ipv4}.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String addressZoneText(@PathParam("ipv4") String ipv4, @Context ContainerRequestContext request) {
        return Representations.dateTimeText(factsAt(wellFormed(ipv4)), ClientIpFilter.clientIpOf(request));
    }

    private static String wellFormed(String ipv4) {
        if (!IPV4.matcher(ipv4).matches()) {
            throw ApiException.badRequest(MALFORMED_IPV4);
        }
        return ipv4;
    }

    private DateTimeFacts factsAt(String locatedAddress) {
        final IpZoneLocator zoneLocator = locator.orElseThrow(
                () -> ApiException.notFound(GEOIP_NOT_CONFIGURED));
        final String zone = zoneLocator.zoneOf(locatedAddress)
                .orElseThrow(() -> ApiException.notFound(UNKNOWN_IP_LOCATION));
        return calculator.at(zone, clock.instant());
    }
}
