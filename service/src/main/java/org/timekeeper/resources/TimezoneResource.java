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
import org.timekeeper.core.ZoneCatalog;

import java.time.Clock;
import java.util.List;

/**
 * /api/timezone: all zone names, the names of one area, and the DateTime object of one zone,
 * each as JSON and as .txt. Names match case-insensitively and links resolve; answers use the
 * canonical spelling.
 */
@Path("/")
public class TimezoneResource {

    static final String UNKNOWN_AREA = "unknown area";
    static final String UNKNOWN_LOCATION = "unknown location";

    private final ZoneCatalog catalog;
    private final DateTimeCalculator calculator;
    private final Clock clock;
    private final PlainText plainText;

    public TimezoneResource(ZoneCatalog catalog, DateTimeCalculator calculator, Clock clock, PlainText plainText) {
        this.catalog = catalog;
        this.calculator = calculator;
        this.clock = clock;
        this.plainText = plainText;
    }

    @GET
    @Path("timezone")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public List<String> allZones() {
        return catalog.zoneNames();
    }

    @GET
    @Path("timezone.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String allZonesText() {
        return PlainText.ofLines(allZones());
    }

    @GET
    @Path("timezone/{area}")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public List<String> zonesInArea(@PathParam("area") String area) {
        ZoneNames.requireWellFormed(area);
        return catalog.zoneNamesInArea(area).orElseThrow(() -> ApiException.notFound(UNKNOWN_AREA));
    }

    @GET
    @Path("timezone/{area}.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String zonesInAreaText(@PathParam("area") String area) {
        return PlainText.ofLines(zonesInArea(area));
    }

    @GET
    @Path("timezone/{area}/{location}")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public DateTimeResponse zone(@PathParam("area") String area, @PathParam("location") String location,
                                 @Context ContainerRequestContext request) {
        return dateTime(request, area, location);
    }

    @GET
    @Path("timezone/{area}/{location}.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String zoneText(@PathParam("area") String area, @PathParam("location") String location,
                           @Context ContainerRequestContext request) {
        return plainText.ofObject(dateTime(request, area, location));
    }

    @GET
    @Path("timezone/{area}/{location}/{region}")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public DateTimeResponse zoneWithRegion(@PathParam("area") String area, @PathParam("location") String location,
                                           @PathParam("region") String region,
                                           @Context ContainerRequestContext request) {
        return dateTime(request, area, location, region);
    }

    @GET
    @Path("timezone/{area}/{location}/{region}.txt")
    @Produces(MediaTypes.TEXT_PLAIN_UTF8)
    @Timed @ResponseMetered @ExceptionMetered
    public String zoneWithRegionText(@PathParam("area") String area, @PathParam("location") String location,
                                     @PathParam("region") String region,
                                     @Context ContainerRequestContext request) {
        return plainText.ofObject(dateTime(request, area, location, region));
    }

    private DateTimeResponse dateTime(ContainerRequestContext request, String... segments) {
        ZoneNames.requireWellFormed(segments);
        final String canonical = catalog.canonicalName(String.join("/", segments))
                .orElseThrow(() -> ApiException.notFound(UNKNOWN_LOCATION));
        return DateTimeResponse.of(calculator.at(canonical, clock.instant()), ClientIpFilter.clientIpOf(request));
    }
}
