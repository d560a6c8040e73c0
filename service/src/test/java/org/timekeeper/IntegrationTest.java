package org.timekeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.server.ResponseHeaders;
import org.timekeeper.testing.RawHttp;
import org.timekeeper.testing.RawHttp.Reply;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole application on real ports, started from the built-in default configuration. */
@ExtendWith(DropwizardExtensionsSupport.class)
class IntegrationTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app();

    private static final String HOST = "127.0.0.1";
    private static final int TIMEOUT_MILLIS = 10_000;
    private final ObjectMapper mapper = new ObjectMapper();

    private Reply app(String method, String path, Map<String, String> headers) throws IOException {
        return RawHttp.send(HOST, APP.getLocalPort(), method, path, headers, TIMEOUT_MILLIS);
    }

    private Reply app(String path) throws IOException {
        return app("GET", path, Map.of());
    }

    private Reply admin(String method, String path) throws IOException {
        return RawHttp.send(HOST, APP.getAdminPort(), method, path, Map.of(), TIMEOUT_MILLIS);
    }

    @Test
    void infoReportsTheBuildAndThisNode() throws Exception {
        final Reply reply = app("/api/info");
        assertThat(reply.status()).isEqualTo(200);
        final JsonNode info = mapper.readTree(reply.body());
        assertThat(info.get("version").asText()).isEqualTo(BuildInfo.fromClasspath().version()).isNotEqualTo("unknown");
        assertThat(info.get("instance_id").asText()).isEqualTo(TimekeeperTestApps.INSTANCE_ID);
        assertThat(info.get("availability_zone").asText()).isEqualTo("local");
        assertThat(info.get("environment").asText()).isEqualTo("local");
        assertThat(info.get("tzdata_version").asText()).matches("\\d{4}[a-z]");
        assertThat(info.get("uptime_seconds").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aZoneIsServedWithTheCallersAddress() throws Exception {
        final Reply reply = app("GET", "/api/timezone/Europe/London", Map.of("X-Forwarded-For", "203.0.113.1"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json").contains("charset=utf-8");
        final JsonNode body = mapper.readTree(reply.body());
        assertThat(body.get("timezone").asText()).isEqualTo("Europe/London");
        assertThat(body.get("client_ip").asText())
                .as("X-Forwarded-For is ignored when no proxy is trusted").isEqualTo(HOST);
    }

    /**
     * A plain read is answered by the Jetty handler ahead of the servlet context, the same
     * request spelled with a percent-encoded letter by the servlet behind it: both answer alike.
     */
    @Test
    void theHandlerAndTheServletAnswerEveryReadAlike() throws Exception {
        final Map<String, String> plainToEncoded = Map.of(
                "/api/timezone", "/api/timezon%65",
                "/api/timezone.txt", "/api/timezon%65.txt",
                "/api/timezone/Europe", "/api/timezone/Europ%65",
                "/api/timezone/Europe/London", "/api/timezone/Europe/%4Condon",
                "/api/timezone/America/New_York.txt", "/api/timezone/America/New_Yor%6B.txt",
                "/api/timezone/Europe/Atlantis", "/api/timezone/Europe/Atlanti%73",
                "/api/timezone/Atlantis.txt", "/api/timezone/Atlanti%73.txt");
        for (Map.Entry<String, String> paths : plainToEncoded.entrySet()) {
            for (String method : List.of("GET", "HEAD")) {
                final Reply plain = app(method, paths.getKey(), Map.of("Accept", "*/*"));
                final Reply encoded = app(method, paths.getValue(), Map.of("Accept", "*/*"));
                final String what = method + " " + paths.getKey();
                assertThat(plain.status()).as(what).isEqualTo(encoded.status());
                assertThat(mediaType(plain)).as(what).isEqualTo(mediaType(encoded)).isNotBlank();
                assertThat(plain.header("Content-Length")).as(what).isNotNull();
                assertThat(withoutTheTime(plain.body())).as(what).isEqualTo(withoutTheTime(encoded.body()));
                assertThat(plain.body().isEmpty()).as(what).isEqualTo(method.equals("HEAD"));
            }
            assertThat(app("GET", paths.getKey(), Map.of("Accept", "application/xml")).status())
                    .as("406 " + paths.getKey()).isEqualTo(app("GET", paths.getValue(), Map.of("Accept", "application/xml")).status());
        }
    }

    /** "application/json; charset=utf-8" and "application/json;charset=utf-8" are the same media type. */
    private static String mediaType(Reply reply) {
        return reply.header("Content-Type").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    /** A body with the instant-dependent fields of a DateTime removed. */
    private String withoutTheTime(String body) throws IOException {
        if (!body.startsWith("{\"abbreviation\"")) {
            return body.replaceAll("(?m)^(datetime|unixtime|utc_datetime): .*$", "");
        }
        final ObjectNode json = (ObjectNode) mapper.readTree(body);
        json.remove(List.of("datetime", "unixtime", "utc_datetime"));
        return json.toString();
    }

    @Test
    void everyResponseOfBothPortsCarriesIdentityAndRequestId() throws Exception {
        final Map<String, Reply> replies = Map.ofEntries(
                Map.entry("app ok", app("/api/timezone/Europe/London")),
                Map.entry("app readiness", app("/health-check?type=ready")),
                Map.entry("jersey 404", app("/api/nope")),
                Map.entry("servlet 404", app("/nope")),
                Map.entry("filter 405", app("PUT", "/api/timezone", Map.of())),
                Map.entry("jetty 400", app("/api/%2e%2e/x")),
                Map.entry("admin ok", admin("GET", "/ping")),
                Map.entry("admin 404", admin("GET", "/nope")));
        replies.forEach((what, reply) -> {
            assertThat(reply.header(ResponseHeaders.SERVED_BY)).as(what).isEqualTo(TimekeeperTestApps.INSTANCE_ID);
            assertThat(reply.header(ResponseHeaders.APP_VERSION)).as(what).isEqualTo(BuildInfo.fromClasspath().version());
            assertThat(reply.header(ResponseHeaders.REQUEST_ID)).as(what).isNotBlank();
        });
    }

    @Test
    void aSaneRequestIdIsEchoedAndAnUnsafeOneReplaced() throws Exception {
        assertThat(app("GET", "/api/info", Map.of("X-Request-Id", "abc-123.x")).header(ResponseHeaders.REQUEST_ID))
                .isEqualTo("abc-123.x");
        assertThat(app("GET", "/api/info", Map.of("X-Request-Id", "<script>")).header(ResponseHeaders.REQUEST_ID))
                .matches("[0-9a-f-]{36}");
        assertThat(app("/api/info").header(ResponseHeaders.REQUEST_ID)).matches("[0-9a-f-]{36}");
    }

    @Test
    void readinessAndLivenessAreOnTheApplicationPort() throws Exception {
        assertThat(app("/health-check?type=ready").status()).isEqualTo(200);
        assertThat(app("/health-check?type=alive").status()).isEqualTo(200);
        final Reply healthcheck = admin("GET", "/healthcheck");
        assertThat(healthcheck.status()).isEqualTo(200);
        assertThat(mapper.readTree(healthcheck.body()).get("time-data").get("healthy").asBoolean()).isTrue();
    }

    @Test
    void everyErrorIsJsonWithTheRightStatus() throws Exception {
        assertJsonError(app("/api/timezone/Atlantis"), 404);
        assertJsonError(app("/api/timezone/Europe/Atlantis"), 404);
        assertJsonError(app("/api/nope"), 404);
        assertJsonError(app("/nope"), 404);
        assertJsonError(app("/api/timezone/Europe/Lon%3Cdon"), 400);
        assertJsonError(app("/api/timezone/Europe/" + "x".repeat(100)), 400);
        assertJsonError(app("/api/timezone/Europe/London%2Fx"), 400);
        assertJsonError(app("/api/%2e%2e/admin"), 400);
        assertJsonError(app("/api/timezone/" + "x".repeat(20_000)), 414);
        assertJsonError(app("POST", "/api/timezone", Map.of("Content-Length", "0")), 405);
        assertJsonError(app("DELETE", "/api/timezone", Map.of()), 405);
        assertJsonError(app("TRACE", "/api/timezone", Map.of()), 405);
        assertJsonError(app("GET", "/api/timezone", Map.of("Accept", "application/xml")), 406);
        assertJsonError(app("GET", "/api/timezone.txt", Map.of("Accept", "text/html")), 406);
        assertJsonError(app("GET", "/nope", Map.of("Accept", "text/html")), 404);
        assertJsonError(app("/api/ip"), 404);
        assertJsonError(app("/api/ip/999.1.1.1"), 400);
        assertJsonError(admin("GET", "/nope"), 404);
        assertJsonError(admin("DELETE", "/ping"), 405);
    }

    @Test
    void every405OfBothPortsSaysWhichMethodsThePathAllows() throws Exception {
        final List<String> appPaths = List.of("/api/timezone", "/api/timezone.txt", "/api/timezone/Europe",
                "/api/timezone/Europe/London", "/api/timezone/Europe/London.txt", "/api/timezone/CET", "/api/ip",
                "/api/ip/198.51.100.1", "/api/info", "/api/openapi.yaml", "/health-check", "/api/nope", "/nope");
        final List<String> adminPaths = List.of("/ping", "/healthcheck", "/metrics", "/metrics/prometheus",
                "/threads", "/tasks/gc", "/nope");
        int answered405 = 0;
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE")) {
            final Map<String, String> headers = method.equals("GET") || method.equals("HEAD") || method.equals("TRACE")
                    ? Map.of() : Map.of("Content-Length", "0");
            for (String path : appPaths) {
                answered405 += assertAllowOn405(app(method, path, headers), method, path);
            }
            for (String path : adminPaths) {
                answered405 += assertAllowOn405(RawHttp.send(HOST, APP.getAdminPort(), method, path, headers,
                        TIMEOUT_MILLIS), method, "admin " + path);
            }
        }
        assertThat(answered405).as("405 answers checked").isGreaterThan(50);
    }

    private int assertAllowOn405(Reply reply, String method, String what) throws IOException {
        if (reply.status() != 405) {
            return 0;
        }
        assertThat(reply.header("Allow")).as("%s %s", method, what).isNotBlank().doesNotContain(method);
        if (!method.equals("HEAD")) {
            assertJsonError(reply, 405);
        }
        return 1;
    }

    private void assertJsonError(Reply reply, int status) throws IOException {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).as(reply.toString()).startsWith("application/json");
        assertThat(reply.body()).doesNotContain("<html", "Exception", "\tat ");
        final JsonNode body = mapper.readTree(reply.body());
        assertThat(body.size()).as(reply.body()).isEqualTo(1);
        assertThat(body.get("error").asText()).as(reply.body()).isNotBlank();
    }
}
