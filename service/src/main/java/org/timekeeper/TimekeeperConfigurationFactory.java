package org.timekeeper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import jakarta.validation.Validator;

import java.io.IOException;

/**
 * Reads the given YAML file, or the built-in {@value #DEFAULT_CONFIG_RESOURCE} when the command
 * line names none, so {@code java -jar timekeeper.jar server} runs with environment variables only.
 */
public class TimekeeperConfigurationFactory extends YamlConfigurationFactory<TimekeeperConfiguration> {

    public static final String DEFAULT_CONFIG_RESOURCE = "timekeeper-default.yml";

    public TimekeeperConfigurationFactory(Validator validator, ObjectMapper objectMapper, String propertyPrefix) {
        super(TimekeeperConfiguration.class, validator, objectMapper, propertyPrefix);
    }

    /** Environment variables fill ${VAR:-default}; an unset variable without default is left to validation. */
    public static ConfigurationSourceProvider substituting(ConfigurationSourceProvider delegate) {
        return new SubstitutingSourceProvider(delegate, new EnvironmentVariableSubstitutor(false));
    }

    @Override
    public TimekeeperConfiguration build() throws IOException, ConfigurationException {
        return build(substituting(new ResourceConfigurationSourceProvider()), DEFAULT_CONFIG_RESOURCE);
    }

    @Override
    public TimekeeperConfiguration build(ConfigurationSourceProvider provider, String path)
            throws IOException, ConfigurationException {
        final TimekeeperConfiguration configuration = super.build(provider, path);
        FileLogging.addWhenLogDirIsSet(configuration);
        return configuration;
    }
}
