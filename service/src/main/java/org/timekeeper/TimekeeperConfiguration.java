package org.timekeeper;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.dropwizard.logging.json.AccessJsonLayoutBaseFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.request.logging.RequestLogFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.timekeeper.server.TrustedProxies;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** timekeeper's settings; the commented defaults live in timekeeper-default.yml. */
public class TimekeeperConfiguration extends Configuration {

    /** Reported in X-Served-By and /api/info; empty means the host name. */
    @NotNull
    private String instanceId = "";

    @NotEmpty
    private String availabilityZone = "local";

    @NotEmpty
    private String environment = "local";

    /** Comma-separated IPs/CIDRs whose X-Forwarded-For is believed. */
    @NotNull
    private String trustedProxies = "";

    /** MaxMind City database for /api/ip; empty means not configured. */
    @NotNull
    private String geoipDatabase = "";

    /** When set, logs also go to files in this directory. */
    @NotNull
    private String logDir = "";

    /** A log file rolls when it reaches this size (and daily). */
    @NotNull
    private DataSize logMaxFileSize = DataSize.mebibytes(100);

    /** Days of rolled log files kept. */
    @Min(1)
    private int logArchiveDays = 7;

    /** The most the rolled (compressed) files of one log may take; the oldest go first. */
    @NotNull
    private DataSize logTotalSizeCap = DataSize.gibibytes(1);

    /** The request log writes requests answered with at least this status (0: every request)... */
    @Min(0)
    @Max(600)
    private int requestLogMinimumStatus = 500;

    /** ...and those that took at least this long. */
    @NotNull
    private Duration requestLogSlowerThan = Duration.milliseconds(250);

    @JsonProperty
    public int getRequestLogMinimumStatus() {
        return requestLogMinimumStatus;
    }

    @JsonProperty
    public void setRequestLogMinimumStatus(int requestLogMinimumStatus) {
        this.requestLogMinimumStatus = requestLogMinimumStatus;
    }

    @JsonProperty
    public Duration getRequestLogSlowerThan() {
        return requestLogSlowerThan;
    }

    @JsonProperty
    public void setRequestLogSlowerThan(Duration requestLogSlowerThan) {
        this.requestLogSlowerThan = requestLogSlowerThan;
    }

    @JsonProperty
    public String getInstanceId() {
        return instanceId;
    }

    @JsonProperty
    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /** The configured instance id, or the host name when none is set. */
    @JsonIgnore
    public String resolvedInstanceId() {
        if (!instanceId.isBlank()) {
            return instanceId.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            final String hostname = System.getenv("HOSTNAME");
            return hostname == null || hostname.isBlank() ? "unknown" : hostname;
        }
    }

    @JsonProperty
    public String getAvailabilityZone() {
        return availabilityZone;
    }

    @JsonProperty
    public void setAvailabilityZone(String availabilityZone) {
        this.availabilityZone = availabilityZone;
    }

    @JsonProperty
    public String getEnvironment() {
        return environment;
    }

    @JsonProperty
    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    @JsonProperty
    public String getTrustedProxies() {
        return trustedProxies;
    }

    @JsonProperty
    public void setTrustedProxies(String trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @JsonIgnore
    public TrustedProxies trustedProxyRanges() {
        return TrustedProxies.parse(trustedProxies);
    }

    @JsonIgnore
    @ValidationMethod(message = "trustedProxies must be comma-separated IP addresses or CIDR ranges")
    public boolean isTrustedProxiesParsable() {
        try {
            TrustedProxies.parse(trustedProxies);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @JsonProperty
    public String getGeoipDatabase() {
        return geoipDatabase;
    }

    @JsonProperty
    public void setGeoipDatabase(String geoipDatabase) {
        this.geoipDatabase = geoipDatabase;
    }

    @JsonProperty
    public String getLogDir() {
        return logDir;
    }

    @JsonProperty
    public void setLogDir(String logDir) {
        this.logDir = logDir;
    }

    @JsonProperty
    public DataSize getLogMaxFileSize() {
        return logMaxFileSize;
    }

    @JsonProperty
    public void setLogMaxFileSize(DataSize logMaxFileSize) {
        this.logMaxFileSize = logMaxFileSize;
    }

    @JsonProperty
    public int getLogArchiveDays() {
        return logArchiveDays;
    }

    @JsonProperty
    public void setLogArchiveDays(int logArchiveDays) {
        this.logArchiveDays = logArchiveDays;
    }

    @JsonProperty
    public DataSize getLogTotalSizeCap() {
        return logTotalSizeCap;
    }

    @JsonProperty
    public void setLogTotalSizeCap(DataSize logTotalSizeCap) {
        this.logTotalSizeCap = logTotalSizeCap;
    }

    /**
     * LOG_DIR adds file appenders next to stdout. Done in code because YAML cannot make an
     * appender conditional on a variable being set.
     */
    void addFileLoggingWhenLogDirIsSet() {
        if (logDir.isBlank()) {
            return;
        }
        final Path dir = Path.of(logDir.trim());
        if (getLoggingFactory() instanceof DefaultLoggingFactory logging) {
            final FileAppenderFactory<ILoggingEvent> file = rollingFile(dir, "timekeeper");
            file.setLayout(new EventJsonLayoutBaseFactory());
            final List<AppenderFactory<ILoggingEvent>> appenders = new ArrayList<>(logging.getAppenders());
            appenders.add(file);
            logging.setAppenders(appenders);
        }
        if (getServerFactory() instanceof DefaultServerFactory server) {
            final RequestLogFactory<?> requestLog = server.getRequestLogFactory();
            if (requestLog instanceof LogbackAccessRequestLogFactory access) {
                final FileAppenderFactory<IAccessEvent> file = rollingFile(dir, "requests");
                file.setLayout(new AccessJsonLayoutBaseFactory());
                final List<AppenderFactory<IAccessEvent>> appenders = new ArrayList<>(access.getAppenders());
                appenders.add(file);
                access.setAppenders(appenders);
            }
        }
    }

    /**
     * Rolls daily and at logMaxFileSize (%d and %i: logback's size-and-time policy, which
     * compresses off the logging thread); keeps logArchiveDays of archives and never more
     * than logTotalSizeCap of them, so a busy node cannot fill its disk with logs.
     */
    private <E extends ch.qos.logback.core.spi.DeferredProcessingAware> FileAppenderFactory<E> rollingFile(
            Path dir, String name) {
        final FileAppenderFactory<E> file = new FileAppenderFactory<>();
        file.setCurrentLogFilename(dir.resolve(name + ".log").toString());
        file.setArchivedLogFilenamePattern(dir.resolve(name + "-%d-%i.log.gz").toString());
        file.setMaxFileSize(logMaxFileSize);
        file.setArchivedFileCount(logArchiveDays);
        file.setTotalSizeCap(logTotalSizeCap);
        return file;
    }
}
