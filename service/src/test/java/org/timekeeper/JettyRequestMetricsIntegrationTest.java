package org.timekeeper;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.server.PrometheusMetrics;
import org.timekeeper.testing.RawHttp;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.timekeeper.testing.PrometheusText.sample;

/**
 * The hot reads are answered ahead of the servlet context, inside Jetty's request metrics, which
 * keep their usual names. An application of its own: the only requests on its application port are
 * this test's, so the counts are exact.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class JettyRequestMetricsIntegrationTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app();

    private static final String JETTY = "io_dropwizard_jetty_MutableServletContextHandler_";

    /**
     * Jetty updates its request metrics when a request completes, which is after the client has
     * read the whole response: the scrape may come first. Bounded, far above what completing takes.
     */
    private static final Duration COMPLETION_WAIT = Duration.ofSeconds(10);

    @Test
    void jettysRequestMetricsCountEveryReadUnderTheirUsualNames() throws Exception {
        assertThat(app("/api/timezone/Europe/Paris").status()).isEqualTo(200);
        assertThat(app("/api/timezone/Europe/%50aris").status()).as("answered by the servlet").isEqualTo(200);
        assertThat(app("/api/timezone/Europe/Atlantis.txt").status()).isEqualTo(404);

        final String scrape = scrapeOnceThreeRequestsCompleted();
        assertThat(sample(scrape, JETTY + "get_requests_count")).isEqualTo(3);
        assertThat(sample(scrape, JETTY + "2xx_responses_total")).isEqualTo(2);
        assertThat(sample(scrape, JETTY + "4xx_responses_total")).isEqualTo(1);
    }

    private String scrapeOnceThreeRequestsCompleted() throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + COMPLETION_WAIT.toNanos();
        while (true) {
            final String scrape = RawHttp.get("127.0.0.1", APP.getAdminPort(), PrometheusMetrics.PATH, 10_000).body();
            final boolean completed = sample(scrape, JETTY + "get_requests_count") >= 3
                    && sample(scrape, JETTY + "2xx_responses_total") + sample(scrape, JETTY + "4xx_responses_total") >= 3;
            if (completed || System.nanoTime() > deadline) {
                return scrape;
            }
            Thread.sleep(20);
        }
    }

    private static RawHttp.Reply app(String path) throws IOException {
        return RawHttp.get("127.0.0.1", APP.getLocalPort(), path, 10_000);
    }
}
