package org.timekeeper;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
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
}
