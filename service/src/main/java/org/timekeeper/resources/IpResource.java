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
import org.timekeeper.api.DateTimeResponse;
import org.timekeeper.core.DateTimeCalculator;

import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * /api/ip: the DateTime object of the zone an IP address is located in (the caller's, or one
 * given in the path). The location comes from a GeoIP database; without one every call answers
 * a 501 JSON error saying so, never a guess.
 */
@Path("/")
public class IpResource {

    static final String GEOIP_NOT_CONFIGURED =
            "IP geolocation is not configured on this server (GEOIP_DATABASE is empty)";
    static final String MALFORMED_IPV4 = "malformed IPv4 address";
    static final String UNKNOWN_IP_LOCATION = "no time zone known for this IP address";

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final Optional<IpZoneLocator> locator;
    private final DateTimeCalculator calculator;
    private final Clock clock;
    private final PlainText plainText;

    public IpResource(Optional<IpZoneLocator> locator, DateTimeCalculator calculator, Clock clock,
                      PlainText plainText) {
        this.locator = locator;
        this.calculator = calculator;
        this.clock = clock;
        this.plainText = plainText;
    }

    @GET
    @Path("ip")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public DateTimeResponse callerZone(@Context ContainerRequestContext request) {
        final String clientIp = ClientIpFilter.clientIpOf(request);
        return dateTimeAt(clientIp, clientIp);
    }

    @GET
    @Path("ip.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String callerZoneText(@Context ContainerRequestContext request) {
        return plainText.ofObject(callerZone(request));
    }

    @GET
    @Path("ip/{ipv4}")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public DateTimeResponse addressZone(@PathParam("ipv4") String ipv4, @Context ContainerRequestContext request) {
        if (!IPV4.matcher(ipv4).matches()) {
            throw ApiException.badRequest(MALFORMED_IPV4);
        }
        return dateTimeAt(ipv4, ClientIpFilter.clientIpOf(request));
    }

    @GET
    @Path("ip/{ipv4}.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String addressZoneText(@PathParam("ipv4") String ipv4, @Context ContainerRequestContext request) {
        return plainText.ofObject(addressZone(ipv4, request));
    }

    private DateTimeResponse dateTimeAt(String locatedAddress, String clientIp) {
        final IpZoneLocator zoneLocator = locator.orElseThrow(
                () -> new ApiException(501, GEOIP_NOT_CONFIGURED));
        final String zone = zoneLocator.zoneOf(locatedAddress)
                .orElseThrow(() -> ApiException.notFound(UNKNOWN_IP_LOCATION));
        return DateTimeResponse.of(calculator.at(zone, clock.instant()), clientIp);
    }
}
