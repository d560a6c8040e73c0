package org.timekeeper;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.util.ArrayList;
import java.util.List;

/**
 * The application as the jar runs it (built-in default YAML), on random loopback ports, with
 * the delayed shutdown off so the test JVM does not wait at exit.
 */
public final class TimekeeperTestApps {

    public static final String INSTANCE_ID = "it-node";

    private TimekeeperTestApps() {
    }

    public static DropwizardAppExtension<TimekeeperConfiguration> app(ConfigOverride... extra) {
        final List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].bindHost", "127.0.0.1"),
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].bindHost", "127.0.0.1"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("health.delayedShutdownHandlerEnabled", "false"),
                ConfigOverride.config("instanceId", INSTANCE_ID),
                ConfigOverride.config("logging.level", "WARN")));
        overrides.addAll(List.of(extra));
        return new DropwizardAppExtension<>(TimekeeperApplication.class, null,
                overrides.toArray(new ConfigOverride[0]));
    }
}
