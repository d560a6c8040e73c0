package org.timekeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.server.PrometheusMetrics;
import org.timekeeper.testing.RawHttp;
import org.timekeeper.testing.RawHttp.Reply;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.timekeeper.testing.PrometheusText.sample;

/** Per-endpoint request metrics and the tz release, in Dropwizard's JSON and in Prometheus text on the admin port. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsIntegrationTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app();

    private static final String ZONE_TIMER = "org_timekeeper_servlets_TimezoneServlet_zone";

    private Reply app(String path) throws IOException {
        return RawHttp.get("127.0.0.1", APP.getLocalPort(), path, 10_000);
    }

    private Reply admin(String path) throws IOException {
        return RawHttp.get("127.0.0.1", APP.getAdminPort(), path, 10_000);
    }

    @Test
    void prometheusCountsRequestsPerEndpointAndStatusClass() throws Exception {
        final long before = sample(admin(PrometheusMetrics.PATH).body(), ZONE_TIMER + "_count");
        assertThat(app("/api/timezone/Europe/Paris").status()).isEqualTo(200);
        assertThat(app("/api/timezone/Europe/Paris").status()).isEqualTo(200);
        assertThat(app("/api/timezone/Europe/Atlantis").status()).isEqualTo(404);

        final Reply scrape = admin(PrometheusMetrics.PATH);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("Content-Type")).startsWith("text/plain");
        final String text = scrape.body();
        assertThat(sample(text, ZONE_TIMER + "_count") - before).isEqualTo(3);
        assertThat(text).contains(ZONE_TIMER + "{quantile=\"0.99\"}");
        assertThat(sample(text, ZONE_TIMER + "_2xx_responses_total")).isGreaterThanOrEqualTo(2);
        assertThat(sample(text, ZONE_TIMER + "_4xx_responses_total")).isGreaterThanOrEqualTo(1);
        assertThat(text).contains("timekeeper_tzdata_info{version=\"" + tzdataVersion() + "\"} 1");
        assertThat(text).contains("timekeeper_build_info{commit=");
    }

    @Test
    void dropwizardJsonMetricsCarryTheTzRelease() throws Exception {
        final JsonNode metrics = new ObjectMapper().readTree(admin("/metrics").body());
        assertThat(metrics.get("gauges").get(TimekeeperApplication.TZDATA_VERSION_GAUGE).get("value").asText())
                .isEqualTo(tzdataVersion());
    }

    private String tzdataVersion() throws IOException {
        return new ObjectMapper().readTree(app("/api/info").body()).get("tzdata_version").asText();
    }
}
