package org.timekeeper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.testing.RawHttp;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With the loopback peer configured as the load balancer, X-Forwarded-For decides client_ip. */
@ExtendWith(DropwizardExtensionsSupport.class)
class TrustedProxyIntegrationTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP =
            TimekeeperTestApps.app(ConfigOverride.config("trustedProxies", "127.0.0.1, 10.0.0.0/8"));

    /** The client_ip of a request, the same whether the Jetty handler or the servlet (an encoded letter) answers it. */
    private String clientIp(Map<String, String> headers) throws Exception {
        final String byTheHandler = clientIp("/api/timezone/Etc/UTC", headers);
        assertThat(clientIp("/api/timezone/Etc/%55TC", headers)).as("the servlet's").isEqualTo(byTheHandler);
        return byTheHandler;
    }

    private String clientIp(String path, Map<String, String> headers) throws Exception {
        final RawHttp.Reply reply = RawHttp.send("127.0.0.1", APP.getLocalPort(), "GET", path, headers, 10_000);
        assertThat(reply.status()).isEqualTo(200);
        return new ObjectMapper().readTree(reply.body()).get("client_ip").asText();
    }

    @Test
    void theRightMostUntrustedForwardedAddressIsTheClient() throws Exception {
        assertThat(clientIp(Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.0.2")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void withoutForwardedForThePeerIsTheClient() throws Exception {
        assertThat(clientIp(Map.of())).isEqualTo("127.0.0.1");
    }
}
