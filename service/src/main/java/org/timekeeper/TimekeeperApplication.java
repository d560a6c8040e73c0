package org.timekeeper;

import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import org.timekeeper.health.TimeDataHealthCheck;
import org.timekeeper.resources.InfoResource;
import org.timekeeper.resources.NodeIdentity;
import org.timekeeper.resources.UnexpectedExceptionMapper;
import org.timekeeper.resources.WebApplicationExceptionMapper;
import org.timekeeper.server.JettyWiring;
import org.timekeeper.server.ResponseHeaders;

import java.time.Clock;

public class TimekeeperApplication extends Application<TimekeeperConfiguration> {

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

    @Override
    public void run(TimekeeperConfiguration configuration, Environment environment) {
        final Clock clock = Clock.systemUTC();
        final BuildInfo build = BuildInfo.fromClasspath();
        final NodeIdentity node = new NodeIdentity(configuration.resolvedInstanceId(),
                configuration.getAvailabilityZone(), configuration.getEnvironment());

        JettyWiring.install(environment, new ResponseHeaders(node.instanceId(), build.version()));

        environment.healthChecks().register(TimeDataHealthCheck.NAME, new TimeDataHealthCheck());

        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new UnexpectedExceptionMapper());
        environment.jersey().register(new InfoResource(build, node, build.tzdataVersion(), clock, clock.instant()));
    }
}
