package org.timekeeper;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.metrics.jetty12.ee10.InstrumentedEE10Handler;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.server.InlineReads;
import org.timekeeper.servlets.TimezoneReadHandler;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server the application builds has the hot reads wired as InlineReadsTest and
 * IntegrationTest assume: non-blocking to Jetty at the top, the read handler inside Jetty's
 * request metrics, and the application port's connector called what the read handler expects
 * (otherwise every read would silently go to the pool again).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HotReadsWiringTest {

    private static final AtomicReference<Server> SERVER = new AtomicReference<>();

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app()
            .addListener(new DropwizardAppExtension.ServiceListener<>() {
                @Override
                public void onRun(TimekeeperConfiguration configuration, Environment environment,
                                  DropwizardAppExtension<TimekeeperConfiguration> rule) {
                    environment.lifecycle().addServerLifecycleListener(SERVER::set);
                }
            });

    @Test
    void theServerIsNonBlockingToJettyWithInlineReadsOnTop() {
        assertThat(SERVER.get().getInvocationType()).isEqualTo(InvocationType.NON_BLOCKING);
        assertThat(SERVER.get().getHandler()).isInstanceOf(InlineReads.class);
    }

    @Test
    void theReadHandlerSitsInsideJettysRequestMetrics() {
        final var metricsHandlers = SERVER.get().getDescendants(InstrumentedEE10Handler.class);
        assertThat(metricsHandlers).hasSize(1);
        assertThat(metricsHandlers.get(0).getHandler()).isInstanceOf(TimezoneReadHandler.class);
    }

    @Test
    void theApplicationPortsConnectorHasTheNameTheReadsAreTakenOn() {
        assertThat(Arrays.stream(SERVER.get().getConnectors())
                .filter(connector -> ((NetworkConnector) connector).getLocalPort() == APP.getLocalPort())
                .map(Connector::getName))
                .containsExactly(TimezoneReadHandler.APPLICATION_CONNECTOR);
    }
}
