package org.timekeeper.server;

import ch.qos.logback.access.jetty.RequestLogImpl;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ShutdownThread;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Installs what Dropwizard's configuration cannot express on the Jetty server it builds: the
 * identity/request-id headers on every connector, and JSON error handlers at the server level
 * and in both servlet contexts, so no response of either port is ever HTML; an Allow header on
 * every 405; which requests the request log writes; the switch to closing connections
 * once SIGTERM arrives; a handler of the hot requests ahead of the application's servlet
 * context, inside Dropwizard's request metrics; and {@link InlineReads} at the top, so those
 * requests run on the thread that parsed them.
 */
public final class JettyWiring {

    /** Time for a connection accepted just before the listening socket closed to send its request. */
    static final long LAST_ACCEPTED_REQUEST_ALLOWANCE_MILLIS = 300;

    private JettyWiring() {
    }

    /**
     * @param aheadOfApplicationContext a handler whose child is the application's servlet
     *                                  context; it takes that context's place in the server
     * @param inlineReads               the requests that handler answers with no blocking call
     */
    public static void install(Environment environment, ResponseHeaders responseHeaders,
                               ErrorsAndSlowRequests requestLogFilter, Handler.Wrapper aheadOfApplicationContext,
                               Predicate<Request> inlineReads) {
        environment.getApplicationContext().setErrorHandler(new JsonErrorHandler(responseHeaders));
        environment.getAdminContext().setErrorHandler(new JsonErrorHandler(responseHeaders));
        environment.servlets().addFilter("allow-on-405", new AllowOn405Filter(AllowedMethods::ofApplicationPath, true))
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        environment.admin().addFilter("allow-on-405", new AllowOn405Filter(AllowedMethods::ofAdminPath, false))
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(new JsonErrorHandler(responseHeaders));
                    placeAhead(server, aheadOfApplicationContext);
                    server.setHandler(new InlineReads(server.getHandler(), inlineReads));
                    registerShutdownSteps(server, responseHeaders);
                    if (server.getRequestLog() instanceof RequestLogImpl requestLog) {
                        // Its start-up status report (a version check that always warns inside a
                        // shaded jar) would put plain-text lines among the JSON ones on stdout.
                        requestLog.setQuiet(true);
                        requestLog.addFilter(requestLogFilter);
                        requestLogFilter.start();
                    }
                    for (Connector connector : server.getConnectors()) {
                        httpConfigurationsOf(connector).forEach(http -> http.addCustomizer(responseHeaders));
                    }
                }
            }
        });
    }

    /**
     * Dropwizard wraps the application's servlet context in its request metrics handler; the
     * given handler goes between the two, so the requests it answers are counted, logged and
     * drained as all others are.
     */
    private static void placeAhead(Server server, Handler.Wrapper ahead) {
        final Handler applicationContext = ahead.getHandler();
        final List<Handler.Wrapper> parents = server.getDescendants(Handler.Wrapper.class).stream()
                .filter(wrapper -> wrapper != ahead && wrapper.getHandler() == applicationContext)
                .toList();
        if (parents.size() != 1) {
            throw new IllegalStateException("expected one handler around the application context, found " + parents);
        }
        parents.get(0).setHandler(ahead);
    }

    /**
     * Jetty's shutdown thread stops its members in order. Called while the server starts, so the
     * order becomes: (1) every response closes its connection from now on; (2) dropwizard-health's
     * delayed shutdown (registered at index 0 while the application was configured): readiness
     * 503, keep serving for the shutdown delay; (3) stop accepting, then wait briefly; (4) the
     * server itself, whose graceful stop answers 503 to any request that reaches it afterwards.
     * Step 3 closes the listening sockets before the graceful stop starts, so a client that
     * connects after the delay is refused, and one accepted just before is still served.
     */
    private static void registerShutdownSteps(Server server, ResponseHeaders responseHeaders) {
        final AbstractLifeCycle closeConnections = shutdownStep(responseHeaders::startDraining);
        final AbstractLifeCycle stopAccepting = shutdownStep(() -> {
            for (Connector connector : server.getConnectors()) {
                if (connector instanceof NetworkConnector network) {
                    network.close();
                }
            }
            Thread.sleep(LAST_ACCEPTED_REQUEST_ALLOWANCE_MILLIS);
        });
        ShutdownThread.register(0, closeConnections);
        ShutdownThread.register(stopAccepting);
        // A server stopped by other means (tests, the `check` command) leaves nothing behind for JVM exit.
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                ShutdownThread.deregister(closeConnections);
                ShutdownThread.deregister(stopAccepting);
            }
        });
    }

    private interface ShutdownAction {
        void run() throws InterruptedException;
    }

    private static AbstractLifeCycle shutdownStep(ShutdownAction action) {
        final AbstractLifeCycle step = new AbstractLifeCycle() {
            @Override
            protected void doStop() throws InterruptedException {
                action.run();
            }
        };
        try {
            step.start(); // ShutdownThread only stops members that are started
        } catch (Exception e) {
            throw new IllegalStateException("cannot arm a shutdown step", e);
        }
        return step;
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
