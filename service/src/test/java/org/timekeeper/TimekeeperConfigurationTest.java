package org.timekeeper;

import ch.qos.logback.access.common.spi.IAccessEvent;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.health.DefaultHealthFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The built-in configuration: the contract's defaults, and the environment variables that change them. */
class TimekeeperConfigurationTest {

    private final TimekeeperConfigurationFactory factory = new TimekeeperConfigurationFactory(
            Validation.buildDefaultValidatorFactory().getValidator(), Jackson.newObjectMapper(), "dw");

    private static ConfigurationSourceProvider yaml(String text) {
        return TimekeeperConfigurationFactory.substituting(
                path -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theBuiltInDefaultsAreTheContractsDefaults() throws Exception {
        for (String variable : List.of("BIND_HOST", "APP_PORT", "ADMIN_PORT", "IDLE_TIMEOUT", "SHUTDOWN_DELAY",
                "SHUTDOWN_GRACE_PERIOD", "AVAILABILITY_ZONE", "ENVIRONMENT", "TRUSTED_PROXIES", "LOG_DIR",
                "LOG_MAX_FILE_SIZE", "LOG_ARCHIVE_DAYS", "LOG_TOTAL_SIZE_CAP", "REQUEST_LOG_MIN_STATUS",
                "REQUEST_LOG_SLOWER_THAN")) {
            assumeTrue(System.getenv(variable) == null, variable + " is set in this environment");
        }
        final TimekeeperConfiguration configuration = factory.build();
        final DefaultServerFactory server = (DefaultServerFactory) configuration.getServerFactory();
        final HttpConnectorFactory app = (HttpConnectorFactory) server.getApplicationConnectors().get(0);
        final HttpConnectorFactory admin = (HttpConnectorFactory) server.getAdminConnectors().get(0);
        assertThat(app.getBindHost()).isEqualTo("0.0.0.0");
        assertThat(app.getPort()).isEqualTo(8080);
        assertThat(admin.getPort()).isEqualTo(8081);
        assertThat(app.getIdleTimeout()).as("above an ALB's 60 s idle timeout").isEqualTo(Duration.seconds(75));
        assertThat(server.getShutdownGracePeriod()).isEqualTo(Duration.seconds(30));
        assertThat(server.getJerseyRootPath()).contains("/api/*");
        assertThat(configuration.getRequestLogMinimumStatus()).as("the request log writes server errors").isEqualTo(500);
        assertThat(configuration.getRequestLogSlowerThan()).as("and slow requests").isEqualTo(Duration.milliseconds(250));

        final DefaultHealthFactory health = (DefaultHealthFactory) configuration.getHealthFactory().orElseThrow();
        assertThat(health.isDelayedShutdownHandlerEnabled()).isTrue();
        assertThat(health.getShutdownWaitPeriod()).isEqualTo(Duration.seconds(15));
        assertThat(health.getHealthCheckUrlPaths()).containsExactly("/health-check");

        assertThat(configuration.getAvailabilityZone()).isEqualTo("local");
        assertThat(configuration.getEnvironment()).isEqualTo("local");
        assertThat(configuration.trustedProxyRanges().isEmpty()).isTrue();
        assertThat(configuration.resolvedInstanceId()).isNotBlank();
        assertThat(configuration.getLogMaxFileSize()).isEqualTo(DataSize.mebibytes(100));
        assertThat(configuration.getLogArchiveDays()).isEqualTo(7);
        assertThat(configuration.getLogTotalSizeCap()).isEqualTo(DataSize.gibibytes(1));
    }

    @Test
    void environmentVariablesWithDefaultsAreSubstituted() throws Exception {
        final TimekeeperConfiguration configuration = factory.build(
                yaml("environment: ${TIMEKEEPER_TEST_SURELY_UNSET:-staging}\n"), "test.yml");
        assertThat(configuration.getEnvironment()).isEqualTo("staging");
    }

    @Test
    void badTrustedProxiesFailValidation() {
        assertThatThrownBy(() -> factory.build(yaml("trustedProxies: \"10.0.0.0/8, lb.internal\"\n"), "test.yml"))
                .hasMessageContaining("trustedProxies");
    }

    @Test
    void fileLogsRollBySizeAndKeepNoMoreThanTheCap() throws Exception {
        final TimekeeperConfiguration configuration = factory.build(yaml("""
                logDir: /var/log/timekeeper
                logMaxFileSize: ${TIMEKEEPER_TEST_SURELY_UNSET:-50MiB}
                logArchiveDays: 3
                logTotalSizeCap: 2GiB
                server:
                  type: default
                """), "test.yml");
        final FileAppenderFactory<?> appLog = ((DefaultLoggingFactory) configuration.getLoggingFactory())
                .getAppenders().stream().filter(FileAppenderFactory.class::isInstance)
                .map(FileAppenderFactory.class::cast).findFirst().orElseThrow();
        final FileAppenderFactory<?> requestLog = ((LogbackAccessRequestLogFactory)
                ((DefaultServerFactory) configuration.getServerFactory()).getRequestLogFactory()).getAppenders()
                .stream().filter(FileAppenderFactory.class::isInstance)
                .map(FileAppenderFactory.class::cast).findFirst().orElseThrow();
        final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        for (FileAppenderFactory<?> file : List.of(appLog, requestLog)) {
            assertThat(file.getMaxFileSize()).isEqualTo(DataSize.mebibytes(50));
            assertThat(file.getArchivedFileCount()).isEqualTo(3);
            assertThat(file.getTotalSizeCap()).isEqualTo(DataSize.gibibytes(2));
            // %d and %i: logback's size-and-time policy (Dropwizard picks it from the pattern).
            assertThat(file.getArchivedLogFilenamePattern()).contains("%d").contains("%i").endsWith(".log.gz");
            // Dropwizard's own checks of a file appender (pattern fits maxFileSize, cap valid).
            assertThat(validator.validate(file)).isEmpty();
        }
    }

    @Test
    void aLogArchiveOfNoDaysFailsValidation() {
        assertThatThrownBy(() -> factory.build(yaml("logArchiveDays: 0\n"), "test.yml"))
                .hasMessageContaining("logArchiveDays");
    }

    @Test
    void logDirAddsJsonFileLogsBesideStdout() throws Exception {
        final TimekeeperConfiguration configuration = factory.build(yaml("""
                logDir: /var/log/timekeeper
                server:
                  type: default
                """), "test.yml");
        final List<? extends AppenderFactory<?>> appLogs =
                ((DefaultLoggingFactory) configuration.getLoggingFactory()).getAppenders();
        assertThat(appLogs).anySatisfy(appender -> assertThat(appender).isInstanceOfSatisfying(
                FileAppenderFactory.class,
                file -> assertThat(file.getCurrentLogFilename()).isEqualTo("/var/log/timekeeper/timekeeper.log")));
        final List<AppenderFactory<IAccessEvent>> requestLogs = ((LogbackAccessRequestLogFactory)
                ((DefaultServerFactory) configuration.getServerFactory()).getRequestLogFactory()).getAppenders();
        assertThat(requestLogs).anySatisfy(appender -> assertThat(appender).isInstanceOfSatisfying(
                FileAppenderFactory.class,
                file -> assertThat(file.getCurrentLogFilename()).isEqualTo("/var/log/timekeeper/requests.log")));
    }
}
