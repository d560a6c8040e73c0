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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** The hot reads are answered ahead of the servlet context, inside Jetty's request metrics. */
    @Test
    void jettysRequestMetricsCountEveryReadUnderTheirUsualNames() throws Exception {
        final String jetty = "io_dropwizard_jetty_MutableServletContextHandler_";
        final String before = admin(PrometheusMetrics.PATH).body();
        assertThat(app("/api/timezone/Europe/Paris").status()).isEqualTo(200);
        assertThat(app("/api/timezone/Europe/%50aris").status()).as("answered by the servlet").isEqualTo(200);
        assertThat(app("/api/timezone/Europe/Atlantis.txt").status()).isEqualTo(404);
        final String after = admin(PrometheusMetrics.PATH).body();
        assertThat(sample(after, jetty + "get_requests_count") - sample(before, jetty + "get_requests_count")).isEqualTo(3);
        assertThat(sample(after, jetty + "2xx_responses_total") - sample(before, jetty + "2xx_responses_total"))
                .isGreaterThanOrEqualTo(2);
        assertThat(sample(after, jetty + "4xx_responses_total") - sample(before, jetty + "4xx_responses_total"))
                .isGreaterThanOrEqualTo(1);
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

    /** The value of an unlabelled sample, 0 when absent. */
    private static long sample(String exposition, String name) {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(exposition);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }
}
