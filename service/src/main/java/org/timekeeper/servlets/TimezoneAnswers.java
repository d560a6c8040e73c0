package org.timekeeper.servlets;

import org.timekeeper.api.MediaTypes;
import org.timekeeper.api.Representations;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.DateTimeFacts;
import org.timekeeper.core.ZoneCatalog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers of /api/timezone and everything under it, without HTTP: all zone names, the names
 * of one area, and the DateTime object of one zone, each as JSON and as .txt. Names match
 * case-insensitively and links resolve; answers use the canonical spelling. A single segment
 * is a zone when the tz database knows it as one (CET, EST5EDT, UTC), else an area.
 */
public final class TimezoneAnswers {

    static final String UNKNOWN_AREA = "unknown area";
    static final String UNKNOWN_LOCATION = "unknown location";
    static final String NOT_FOUND = "not found";
    static final String NOT_ACCEPTABLE = "not acceptable";
    static final String TEXT_SUFFIX = ".txt";

    /** What each answer is counted as in the per-endpoint metrics. */
    public enum Endpoint { ZONES, ZONES_TEXT, AREA, AREA_TEXT, ZONE, ZONE_TEXT }

    /** One answer: its status, Content-Type and body bytes, and the endpoint it counts for. */
    public record Answer(Endpoint endpoint, int status, String contentType, byte[] body) {
    }

    private final ZoneCatalog catalog;
    private final DateTimeCalculator calculator;
    private final Clock clock;
    private final Answer allZonesJson;
    private final Answer allZonesText;
    private final Map<String, Answer> areaAnswers = new ConcurrentHashMap<>();

    public TimezoneAnswers(ZoneCatalog catalog, DateTimeCalculator calculator, Clock clock) {
        this.catalog = catalog;
        this.calculator = calculator;
        this.clock = clock;
        this.allZonesJson = names(Endpoint.ZONES, catalog.zoneNames(), false);
        this.allZonesText = names(Endpoint.ZONES_TEXT, catalog.zoneNames(), true);
    }

    /**
     * @param path     what follows /api/timezone: "", ".txt", "/Europe/London", "/Europe.txt", ...
     * @param accept   the request's Accept header, or null
     * @param clientIp the caller's address as the DateTime object reports it
     */
    public Answer get(String path, String accept, String clientIp) {
        final boolean text = path.endsWith(TEXT_SUFFIX);
        final String name = text ? path.substring(0, path.length() - TEXT_SUFFIX.length()) : path;
        final String[] segments = name.isEmpty() ? new String[0] : name.substring(1).split("/", -1);
        final Endpoint endpoint = switch (segments.length) {
            case 0 -> text ? Endpoint.ZONES_TEXT : Endpoint.ZONES;
            case 1 -> text ? Endpoint.AREA_TEXT : Endpoint.AREA;
            default -> text ? Endpoint.ZONE_TEXT : Endpoint.ZONE;
        };
        if (!name.isEmpty() && (name.charAt(0) != '/' || segments.length > 3 || List.of(segments).contains(""))) {
            return error(endpoint, 404, NOT_FOUND);
        }
        if (!AcceptHeader.accepts(accept, text ? MediaTypes.TEXT_PLAIN : MediaTypes.APPLICATION_JSON)) {
            return error(endpoint, 406, NOT_ACCEPTABLE);
        }
        if (segments.length == 0) {
            return text ? allZonesText : allZonesJson;
        }
        final Optional<String> problem = ZoneNames.problemWith(segments);
        if (problem.isPresent()) {
            return error(endpoint, 400, problem.get());
        }
        final Optional<String> zone = catalog.canonicalName(String.join("/", segments));
        if (zone.isPresent()) {
            final DateTimeFacts facts = calculator.at(zone.get(), clock.instant());
            return text
                    ? new Answer(Endpoint.ZONE_TEXT, 200, MediaTypes.TEXT_PLAIN_UTF8, utf8(Representations.dateTimeText(facts, clientIp)))
                    : new Answer(Endpoint.ZONE, 200, MediaTypes.APPLICATION_JSON_UTF8, utf8(Representations.dateTimeJson(facts, clientIp)));
        }
        if (segments.length > 1) {
            return error(endpoint, 404, UNKNOWN_LOCATION);
        }
        return catalog.zoneNamesInArea(segments[0])
                .map(names -> areaAnswers.computeIfAbsent(segments[0].toLowerCase(Locale.ROOT) + (text ? TEXT_SUFFIX : ""),
                        key -> names(endpoint, names, text)))
                .orElseGet(() -> error(endpoint, 404, UNKNOWN_AREA));
    }

    static Answer error(Endpoint endpoint, int status, String message) {
        return new Answer(endpoint, status, MediaTypes.APPLICATION_JSON_UTF8, utf8(Representations.errorJson(message)));
    }

    private static Answer names(Endpoint endpoint, List<String> names, boolean text) {
        return text
                ? new Answer(endpoint, 200, MediaTypes.TEXT_PLAIN_UTF8, utf8(Representations.namesText(names)))
                : new Answer(endpoint, 200, MediaTypes.APPLICATION_JSON_UTF8, utf8(Representations.namesJson(names)));
    }

    private static byte[] utf8(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
