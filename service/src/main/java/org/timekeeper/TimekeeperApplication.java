package org.timekeeper;

import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import org.timekeeper.core.DateTimeCalculator;
import org.timekeeper.core.IpZoneLocator;
import org.timekeeper.core.ZoneCatalog;
import org.timekeeper.geoip.MaxMindZoneLocator;
import org.timekeeper.health.TimeDataHealthCheck;
import org.timekeeper.resources.InfoResource;
import org.timekeeper.resources.IpResource;
import org.timekeeper.resources.OpenApiResource;
import org.timekeeper.resources.UnexpectedExceptionMapper;
import org.timekeeper.resources.WebApplicationExceptionMapper;
import org.timekeeper.server.ClientIpFilter;
import org.timekeeper.server.ErrorsAndSlowRequests;
import org.timekeeper.server.JettyWiring;
import org.timekeeper.server.NodeIdentity;
import org.timekeeper.server.PrometheusMetrics;
import org.timekeeper.server.ResponseHeaders;
import org.timekeeper.server.TrustedProxies;
import org.timekeeper.servlets.CountedAnswers;
import org.timekeeper.servlets.TimezoneAnswers;
import org.timekeeper.servlets.TimezoneReadHandler;
import org.timekeeper.servlets.TimezoneServlet;

import java.io.File;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;

public class TimekeeperApplication extends Application<TimekeeperConfiguration> {

    /** The tz release in use, as a metric; a string gauge shows up in /metrics (JSON). */
    public static final String TZDATA_VERSION_GAUGE = "timekeeper.tzdata.version";

    public static void main(String[] args) throws Exception {
        launch(new TimekeeperApplication(), args);
    }

    /** The one way the service starts: SIGTERM is the normal stop and must exit 0 after draining. */
    protected static void launch(TimekeeperApplication application, String[] args) throws Exception {
        ExitZeroOnSigterm.install();
        application.run(args);
    }

    @Override
    public String getName() {
        return "timekeeper";
    }

    @Override
    public void initialize(Bootstrap<TimekeeperConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(
                TimekeeperConfigurationFactory.substituting(bootstrap.getConfigurationSourceProvider()));
        bootstrap.setConfigurationFactoryFactory(
                (klass, validator, objectMapper, propertyPrefix) ->
                        new TimekeeperConfigurationFactory(validator, objectMapper, propertyPrefix));
    }

    private static Optional<IpZoneLocator> geoIpLocator(TimekeeperConfiguration configuration, ZoneCatalog catalog,
                                                        Environment environment) {
        if (configuration.getGeoipDatabase().isBlank()) {
            return Optional.empty();
        }
        final MaxMindZoneLocator locator =
                MaxMindZoneLocator.open(new File(configuration.getGeoipDatabase().trim()), catalog);
        environment.lifecycle().manage(locator);
        return Optional.of(locator);
    }

    @Override
    public void run(TimekeeperConfiguration configuration, Environment environment) {
        final Clock clock = Clock.systemUTC();
        final BuildInfo build = BuildInfo.fromClasspath();
        final NodeIdentity node = new NodeIdentity(configuration.resolvedInstanceId(),
                configuration.getAvailabilityZone(), configuration.getEnvironment());

        final ZoneCatalog catalog = ZoneCatalog.fromTzdata();
        final DateTimeCalculator calculator = new DateTimeCalculator(catalog);

        final TrustedProxies trustedProxies = configuration.trustedProxyRanges();
        final CountedAnswers timezoneAnswers =
                new CountedAnswers(new TimezoneAnswers(catalog, calculator, clock), environment.metrics());
        JettyWiring.install(environment, new ResponseHeaders(node.instanceId(), build.version()),
                new ErrorsAndSlowRequests(configuration.getRequestLogMinimumStatus(),
                        configuration.getRequestLogSlowerThan().toMilliseconds()),
                new TimezoneReadHandler(timezoneAnswers, trustedProxies,
                        environment.getApplicationContext()),
                TimezoneReadHandler::answersOnTheApplicationPort);
        environment.servlets().addFilter("client-ip", new ClientIpFilter(trustedProxies))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        environment.healthChecks().register(TimeDataHealthCheck.NAME, new TimeDataHealthCheck(catalog, calculator, clock));
        environment.metrics().registerGauge(TZDATA_VERSION_GAUGE, catalog::tzdataVersion);
        PrometheusMetrics.install(environment, build.version(), build.commit(), catalog.tzdataVersion());

        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new UnexpectedExceptionMapper());
        environment.jersey().register(new InfoResource(build, node, catalog.tzdataVersion(), clock, clock.instant()));
        environment.servlets().addServlet("timezone", new TimezoneServlet(timezoneAnswers))
                .addMapping(TimezoneServlet.MAPPINGS.toArray(new String[0]));
        environment.jersey().register(new IpResource(geoIpLocator(configuration, catalog, environment), calculator,
                clock));
        environment.jersey().register(new OpenApiResource());
    }
}
