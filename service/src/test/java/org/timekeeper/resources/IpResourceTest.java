package org.timekeeper.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.timekeeper.resources.ResourceTestSupport.CALCULATOR;
import static org.timekeeper.resources.ResourceTestSupport.CLIENT_IP;
import static org.timekeeper.resources.ResourceTestSupport.CLOCK;

@ExtendWith(DropwizardExtensionsSupport.class)
class IpResourceTest {

    /** A GeoIP database stand-in that knows two addresses. */
    private static final Map<String, String> ZONE_BY_ADDRESS = Map.of(
            CLIENT_IP, "Asia/Kathmandu",
            "198.51.100.1", "America/Sao_Paulo");

    private static final ResourceExtension WITHOUT_GEOIP = ResourceTestSupport.builder()
            .addResource(new IpResource(Optional.empty(), CALCULATOR, CLOCK))
            .build();

    private static final ResourceExtension WITH_GEOIP = ResourceTestSupport.builder()
            .addResource(new IpResource(Optional.of(address -> Optional.ofNullable(ZONE_BY_ADDRESS.get(address))),
                    CALCULATOR, CLOCK))
            .build();

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(Response response) throws Exception {
        return mapper.readTree(response.readEntity(String.class));
    }

    @Test
    void withoutAGeoIpDatabaseEveryCallIsAClear404() throws Exception {
        for (String path : new String[] {"/ip", "/ip.txt", "/ip/198.51.100.1", "/ip/198.51.100.1.txt"}) {
            final Response response = WITHOUT_GEOIP.target(path).request().get();
            assertThat(response.getStatus()).as(path).isEqualTo(404);
            assertThat(json(response).get("error").asText()).as(path).isEqualTo(IpResource.GEOIP_NOT_CONFIGURED);
        }
    }

    @Test
    void aMalformedAddressIs400EvenWithoutADatabase() throws Exception {
        for (String address : new String[] {"1.2.3", "1.2.3.256", "01.2.3.4x", "::1", "a.b.c.d"}) {
            final Response response = WITHOUT_GEOIP.target("/ip/" + address).request().get();
            assertThat(response.getStatus()).as(address).isEqualTo(400);
            assertThat(json(response).get("error").asText()).isEqualTo(IpResource.MALFORMED_IPV4);
        }
    }

    @Test
    void theCallersZoneComesFromItsAddress() throws Exception {
        final JsonNode body = json(WITH_GEOIP.target("/ip").request().get());
        assertThat(body.get("timezone").asText()).isEqualTo("Asia/Kathmandu");
        assertThat(body.get("abbreviation").asText()).isEqualTo("+0545");
        assertThat(body.get("client_ip").asText()).isEqualTo(CLIENT_IP);
        assertThat(WITH_GEOIP.target("/ip.txt").request().get(String.class)).contains("timezone: Asia/Kathmandu\n");
    }

    @Test
    void aGivenAddressIsLocatedButClientIpStaysTheCallers() throws Exception {
        final JsonNode body = json(WITH_GEOIP.target("/ip/198.51.100.1").request().get());
        assertThat(body.get("timezone").asText()).isEqualTo("America/Sao_Paulo");
        assertThat(body.get("client_ip").asText()).isEqualTo(CLIENT_IP);
    }

    @Test
    void anAddressTheDatabaseCannotPlaceIs404() throws Exception {
        final Response response = WITH_GEOIP.target("/ip/192.0.2.1").request().get();
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).isEqualTo(IpResource.UNKNOWN_IP_LOCATION);
    }
}
