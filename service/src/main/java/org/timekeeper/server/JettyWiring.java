package org.timekeeper.server;

import io.dropwizard.core.setup.Environment;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;

import java.util.ArrayList;
import java.util.List;

/**
 * Installs what Dropwizard's configuration cannot express on the Jetty server it builds: the
 * identity/request-id headers on every connector, and JSON error handlers at the server level
 * and in both servlet contexts, so no response of either port is ever HTML.
 */
public final class JettyWiring {

    private JettyWiring() {
    }

    public static void install(Environment environment, ResponseHeaders responseHeaders) {
        environment.getApplicationContext().setErrorHandler(new JsonServletErrorHandler(responseHeaders));
        environment.getAdminContext().setErrorHandler(new JsonServletErrorHandler(responseHeaders));
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(new JsonErrorHandler(responseHeaders));
                    for (Connector connector : server.getConnectors()) {
                        httpConfigurationsOf(connector).forEach(http -> http.addCustomizer(responseHeaders));
                    }
                }
            }
        });
    }

    /** Dropwizard wraps each HTTP connection factory in a metrics one that holds it as a bean. */
    private static List<HttpConfiguration> httpConfigurationsOf(Connector connector) {
        final List<HttpConfiguration> configurations = new ArrayList<>();
        for (ConnectionFactory factory : connector.getConnectionFactories()) {
            final List<Object> candidates = new ArrayList<>(List.of(factory));
            if (factory instanceof ContainerLifeCycle container) {
                candidates.addAll(container.getBeans());
            }
            for (Object candidate : candidates) {
                if (candidate instanceof HttpConfiguration.ConnectionFactory http
                        && !configurations.contains(http.getHttpConfiguration())) {
                    configurations.add(http.getHttpConfiguration());
                }
            }
        }
        return configurations;
    }
}
