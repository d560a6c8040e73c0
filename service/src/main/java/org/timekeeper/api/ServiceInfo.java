package org.timekeeper.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** GET /api/info: which release this node runs, where, and since when. */
@JsonPropertyOrder({"version", "commit", "build_time", "instance_id", "availability_zone", "environment",
    "started_at", "uptime_seconds", "tzdata_version"})
public record ServiceInfo(
        @JsonProperty("version") String version,
        @JsonProperty("commit") String commit,
        @JsonProperty("build_time") String buildTime,
        @JsonProperty("instance_id") String instanceId,
        @JsonProperty("availability_zone") String availabilityZone,
        @JsonProperty("environment") String environment,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("uptime_seconds") long uptimeSeconds,
        @JsonProperty("tzdata_version") String tzdataVersion) {
}
