package org.timekeeper.geoip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.TimekeeperConfiguration;
import org.timekeeper.TimekeeperTestApps;
import org.timekeeper.testing.RawHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/ip end to end with GEOIP_DATABASE set, behind a trusted load balancer (the loopback peer). */
@ExtendWith(DropwizardExtensionsSupport.class)
class GeoIpIntegrationTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app(
            ConfigOverride.config("geoipDatabase", GeoIpIntegrationTest::database),
            ConfigOverride.config("trustedProxies", "127.0.0.1"));

    private static String database() {
        try {
            final Path file = Files.createTempFile("timekeeper-city", ".mmdb");
            file.toFile().deleteOnExit();
            TestMmdb.write(file, Map.of("203.0.113.7", "Asia/Kathmandu", "198.51.100.1", "Europe/Lisbon"));
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RawHttp.Reply get(String path, Map<String, String> headers) throws IOException {
        return RawHttp.send("127.0.0.1", APP.getLocalPort(), "GET", path, headers, 10_000);
    }

    @Test
    void theCallerBehindTheLoadBalancerIsPlaced() throws Exception {
        final RawHttp.Reply reply = get("/api/ip", Map.of("X-Forwarded-For", "203.0.113.7"));
        assertThat(reply.status()).isEqualTo(200);
        final JsonNode body = new ObjectMapper().readTree(reply.body());
        assertThat(body.get("timezone").asText()).isEqualTo("Asia/Kathmandu");
        assertThat(body.get("client_ip").asText()).isEqualTo("203.0.113.7");
        assertThat(get("/api/ip.txt", Map.of("X-Forwarded-For", "203.0.113.7")).body())
                .contains("timezone: Asia/Kathmandu\n");
    }

    @Test
    void aGivenAddressIsPlaced() throws Exception {
        final RawHttp.Reply reply = get("/api/ip/198.51.100.1", Map.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(reply.body()).get("timezone").asText()).isEqualTo("Europe/Lisbon");
    }

    @Test
    void anAddressTheDatabaseDoesNotKnowIs404() throws Exception {
        final RawHttp.Reply reply = get("/api/ip", Map.of());
        assertThat(reply.status()).as("the loopback peer is in no GeoIP database").isEqualTo(404);
        assertThat(new ObjectMapper().readTree(reply.body()).get("error").asText()).isNotBlank();
    }
}
