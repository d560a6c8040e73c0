package org.timekeeper.servlets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.ZoneCatalog;
import org.timekeeper.servlets.TimezoneAnswers.Answer;
import org.timekeeper.servlets.TimezoneAnswers.Endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The answers of /api/timezone/..., at a fixed instant; IntegrationTest and OpenApiContractTest take them over HTTP. */
class TimezoneAnswersTest {

    static final List<String> WORLDTIMEAPI_FIELD_ORDER = List.of("abbreviation", "client_ip", "datetime",
            "day_of_week", "day_of_year", "dst", "dst_from", "dst_offset", "dst_until", "raw_offset", "timezone",
            "unixtime", "utc_datetime", "utc_offset", "week_number");

    /** 2026-07-01T12:00:00Z: summer in the north, so DST fields are set for Europe/London. */
    private static final Instant NOW = Instant.parse("2026-07-01T12:00:00Z");
    private static final String CLIENT_IP = "203.0.113.7";
    private static final ZoneCatalog CATALOG = ZoneCatalog.fromTzdata();
    private static final TimezoneAnswers ANSWERS = new TimezoneAnswers(CATALOG, new DateTimeCalculator(CATALOG),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final ObjectMapper mapper = new ObjectMapper();

    private static Answer get(String path) {
        return ANSWERS.get(path, null, CLIENT_IP);
    }

    private static String body(Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private JsonNode json(Answer answer) throws Exception {
        assertThat(answer.contentType()).isEqualTo("application/json; charset=utf-8");
        return mapper.readTree(answer.body());
    }

    @Test
    void listsEveryZone() throws Exception {
        final Answer answer = get("");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.endpoint()).isEqualTo(Endpoint.ZONES);
        final JsonNode zones = json(answer);
        assertThat(zones.size()).isEqualTo(CATALOG.zoneNames().size()).isGreaterThan(300);
        assertThat(zones.get(0).asText()).isEqualTo(CATALOG.zoneNames().get(0));
    }

    @Test
    void listsEveryZoneAsText() {
        final Answer answer = get(".txt");
        assertThat(answer.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(body(answer)).isEqualTo(String.join("\n", CATALOG.zoneNames()) + "\n");
    }

    @Test
    void listsAnAreaCaseInsensitively() throws Exception {
        final JsonNode zones = json(get("/europe"));
        assertThat(zones.size()).isGreaterThan(30);
        zones.forEach(zone -> assertThat(zone.asText()).startsWith("Europe/"));
        assertThat(body(get("/Europe.txt"))).contains("Europe/London\n");
    }

    @Test
    void answersTheDateTimeObjectInWorldTimeApiOrder() throws Exception {
        final Answer answer = get("/Europe/London");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.endpoint()).isEqualTo(Endpoint.ZONE);
        final JsonNode body = json(answer);
        final List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(WORLDTIMEAPI_FIELD_ORDER);
        assertThat(body.get("abbreviation").asText()).isEqualTo("BST");
        assertThat(body.get("client_ip").asText()).isEqualTo(CLIENT_IP);
        assertThat(body.get("datetime").asText()).isEqualTo("2026-07-01T13:00:00.000000+01:00");
        assertThat(body.get("dst").asBoolean()).isTrue();
        assertThat(body.get("dst_offset").asInt()).isEqualTo(3600);
        assertThat(body.get("raw_offset").asInt()).isZero();
        assertThat(body.get("dst_from").asText()).isEqualTo("2026-03-29T01:00:00+00:00");
        assertThat(body.get("unixtime").asLong()).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void outsideDstTheDstPeriodIsNull() throws Exception {
        final JsonNode body = json(get("/America/Argentina/Buenos_Aires"));
        assertThat(body.get("timezone").asText()).isEqualTo("America/Argentina/Buenos_Aires");
        assertThat(body.get("abbreviation").asText()).isEqualTo("-03");
        assertThat(body.get("dst_from").isNull()).isTrue();
        assertThat(body.get("dst_until").isNull()).isTrue();
    }

    @Test
    void namesMatchCaseInsensitivelyAndLinksResolveToTheCanonicalName() throws Exception {
        assertThat(json(get("/america/new_york")).get("timezone").asText()).isEqualTo("America/New_York");
        assertThat(json(get("/US/Eastern")).get("timezone").asText()).isEqualTo("America/New_York");
    }

    @Test
    void singleSegmentNamesAreZonesUnderTheirOwnName() throws Exception {
        for (String name : ZoneCatalog.LISTED_SINGLE_SEGMENT_NAMES) {
            final Answer answer = get("/" + name);
            assertThat(answer.status()).as(name).isEqualTo(200);
            assertThat(json(answer).get("timezone").asText()).isEqualTo(name);
        }
        assertThat(json(get("/est5edt")).get("abbreviation").asText()).isEqualTo("EDT");
        assertThat(body(get("/CET.txt"))).startsWith("abbreviation: CEST\n").contains("\ntimezone: CET\n");
        assertThat(json(get("/UTC")).get("timezone").asText()).as("a link resolves").isEqualTo("Etc/UTC");
    }

    @Test
    void textIsOneKeyValueLinePerJsonField() throws Exception {
        final String text = body(get("/Europe/London.txt"));
        final JsonNode json = json(get("/Europe/London"));
        final List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(WORLDTIMEAPI_FIELD_ORDER.size());
        for (int i = 0; i < lines.size(); i++) {
            final String field = WORLDTIMEAPI_FIELD_ORDER.get(i);
            assertThat(lines.get(i)).isEqualTo(field + ": " + json.get(field).asText());
        }
        assertThat(body(get("/America/Argentina/Buenos_Aires.txt"))).contains("\ndst_from: \n", "\ndst_until: \n");
    }

    @Test
    void unknownNamesAre404WithAJsonError() throws Exception {
        assertError(get("/Atlantis"), 404, TimezoneAnswers.UNKNOWN_AREA);
        assertError(get("/Europe/Atlantis"), 404, TimezoneAnswers.UNKNOWN_LOCATION);
        assertError(get("/Europe/Atlantis.txt"), 404, TimezoneAnswers.UNKNOWN_LOCATION);
        assertError(get("/America/Argentina/Atlantis"), 404, TimezoneAnswers.UNKNOWN_LOCATION);
        assertError(get("/a/b/c/d"), 404, TimezoneAnswers.NOT_FOUND);
        assertError(get("/Europe//London"), 404, TimezoneAnswers.NOT_FOUND);
        assertError(get("x"), 404, TimezoneAnswers.NOT_FOUND);
    }

    @Test
    void malformedNamesAre400() throws Exception {
        assertThat(json(get("/Europe/Lon<don")).get("error").asText()).startsWith("invalid characters");
        assertThat(get("/Europe/Lon don").status()).isEqualTo(400);
        assertThat(get("/" + "A".repeat(65)).status()).isEqualTo(400);
        assertThat(get("/" + "A".repeat(64)).status()).as("the longest segment allowed").isEqualTo(404);
        assertThat(json(get("/Europe/" + "L".repeat(65))).get("error").asText()).startsWith("time zone name too long");
    }

    @Test
    void anAcceptHeaderThatExcludesTheRepresentationIs406() throws Exception {
        assertError(ANSWERS.get("/Europe/London", "application/xml", CLIENT_IP), 406, TimezoneAnswers.NOT_ACCEPTABLE);
        assertError(ANSWERS.get("/Europe/London.txt", "application/json", CLIENT_IP), 406, TimezoneAnswers.NOT_ACCEPTABLE);
        assertError(ANSWERS.get("", "text/html, application/json;q=0", CLIENT_IP), 406, TimezoneAnswers.NOT_ACCEPTABLE);
        for (String accept : List.of("application/json", "application/*", "*/*", "text/html, application/json;q=0.5")) {
            assertThat(ANSWERS.get("/Europe/London", accept, CLIENT_IP).status()).as(accept).isEqualTo(200);
        }
        assertThat(ANSWERS.get("/Europe/London.txt", "text/*", CLIENT_IP).status()).isEqualTo(200);
    }

    private void assertError(Answer answer, int status, String message) throws Exception {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(json(answer).get("error").asText()).isEqualTo(message);
    }
}
