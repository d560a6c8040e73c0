package org.timekeeper.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.timekeeper.resources.ResourceTestSupport.CALCULATOR;
import static org.timekeeper.resources.ResourceTestSupport.CATALOG;
import static org.timekeeper.resources.ResourceTestSupport.CLIENT_IP;
import static org.timekeeper.resources.ResourceTestSupport.CLOCK;
import static org.timekeeper.resources.ResourceTestSupport.PLAIN_TEXT;

@ExtendWith(DropwizardExtensionsSupport.class)
class TimezoneResourceTest {

    static final List<String> WORLDTIMEAPI_FIELD_ORDER = List.of("abbreviation", "client_ip", "datetime",
            "day_of_week", "day_of_year", "dst", "dst_from", "dst_offset", "dst_until", "raw_offset", "timezone",
            "unixtime", "utc_datetime", "utc_offset", "week_number");

    private static final ResourceExtension RESOURCES = ResourceTestSupport.builder()
            .addResource(new TimezoneResource(CATALOG, CALCULATOR, CLOCK, PLAIN_TEXT))
            .build();

    private final ObjectMapper mapper = new ObjectMapper();

    private Response get(String path) {
        return RESOURCES.target(path).request().get();
    }

    private JsonNode json(Response response) throws Exception {
        return mapper.readTree(response.readEntity(String.class));
    }

    @Test
    void listsEveryZone() throws Exception {
        final Response response = get("/timezone");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)).isTrue();
        assertThat(response.getMediaType().getParameters()).containsEntry("charset", "utf-8");
        final JsonNode zones = json(response);
        assertThat(zones.size()).isEqualTo(CATALOG.zoneNames().size()).isGreaterThan(300);
        assertThat(zones.get(0).asText()).isEqualTo(CATALOG.zoneNames().get(0));
    }

    @Test
    void listsEveryZoneAsText() {
        final Response response = get("/timezone.txt");
        assertThat(response.getMediaType().isCompatible(MediaType.TEXT_PLAIN_TYPE)).isTrue();
        assertThat(response.readEntity(String.class))
                .isEqualTo(String.join("\n", CATALOG.zoneNames()) + "\n");
    }

    @Test
    void listsAnAreaCaseInsensitively() throws Exception {
        final JsonNode zones = json(get("/timezone/europe"));
        assertThat(zones.size()).isGreaterThan(30);
        zones.forEach(zone -> assertThat(zone.asText()).startsWith("Europe/"));
        assertThat(get("/timezone/Europe.txt").readEntity(String.class)).contains("Europe/London\n");
    }

    @Test
    void answersTheDateTimeObjectInWorldTimeApiOrder() throws Exception {
        final Response response = get("/timezone/Europe/London");
        assertThat(response.getStatus()).isEqualTo(200);
        final JsonNode body = json(response);
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
        assertThat(body.get("unixtime").asLong()).isEqualTo(ResourceTestSupport.NOW.getEpochSecond());
    }

    @Test
    void outsideDstTheDstPeriodIsNull() throws Exception {
        final JsonNode body = json(get("/timezone/America/Argentina/Buenos_Aires"));
        assertThat(body.get("timezone").asText()).isEqualTo("America/Argentina/Buenos_Aires");
        assertThat(body.get("abbreviation").asText()).isEqualTo("-03");
        assertThat(body.get("dst_from").isNull()).isTrue();
        assertThat(body.get("dst_until").isNull()).isTrue();
    }

    @Test
    void namesMatchCaseInsensitivelyAndLinksResolveToTheCanonicalName() throws Exception {
        assertThat(json(get("/timezone/america/new_york")).get("timezone").asText()).isEqualTo("America/New_York");
        assertThat(json(get("/timezone/US/Eastern")).get("timezone").asText()).isEqualTo("America/New_York");
    }

    @Test
    void textIsOneKeyValueLinePerJsonField() throws Exception {
        final String text = get("/timezone/Europe/London.txt").readEntity(String.class);
        final JsonNode json = json(get("/timezone/Europe/London"));
        final List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(WORLDTIMEAPI_FIELD_ORDER.size());
        for (int i = 0; i < lines.size(); i++) {
            final String field = WORLDTIMEAPI_FIELD_ORDER.get(i);
            assertThat(lines.get(i)).isEqualTo(field + ": " + json.get(field).asText());
        }
        assertThat(get("/timezone/America/Argentina/Buenos_Aires.txt").readEntity(String.class))
                .contains("\ndst_from: \n", "\ndst_until: \n");
    }

    @Test
    void unknownNamesAre404WithAJsonError() throws Exception {
        assertError(get("/timezone/Atlantis"), 404, TimezoneResource.UNKNOWN_AREA);
        assertError(get("/timezone/Europe/Atlantis"), 404, TimezoneResource.UNKNOWN_LOCATION);
        assertError(get("/timezone/Europe/Atlantis.txt"), 404, TimezoneResource.UNKNOWN_LOCATION);
        assertError(get("/timezone/America/Argentina/Atlantis"), 404, TimezoneResource.UNKNOWN_LOCATION);
        assertError(get("/timezone/a/b/c/d"), 404, "not found");
    }

    @Test
    void malformedNamesAre400() throws Exception {
        assertThat(json(get("/timezone/Europe/Lon%3Cdon")).get("error").asText()).startsWith("invalid characters");
        assertThat(get("/timezone/Europe/Lon%20don").getStatus()).isEqualTo(400);
        assertThat(get("/timezone/" + "A".repeat(65)).getStatus()).isEqualTo(400);
        assertThat(json(get("/timezone/Europe/" + "L".repeat(65))).get("error").asText()).startsWith("time zone name too long");
    }

    @Test
    void unacceptableMediaTypeIs406AndWrongMethodIs405() throws Exception {
        assertError(RESOURCES.target("/timezone/Europe/London").request("application/xml").get(), 406,
                "not acceptable");
        final Response post = RESOURCES.target("/timezone").request().post(jakarta.ws.rs.client.Entity.json("{}"));
        assertError(post, 405, "method not allowed");
    }

    private void assertError(Response response, int status, String message) throws Exception {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)).isTrue();
        assertThat(json(response).get("error").asText()).isEqualTo(message);
    }
}
