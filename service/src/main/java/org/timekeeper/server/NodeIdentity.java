package org.timekeeper.server;

/** Where this process runs: reported by /api/info and in X-Served-By. */
public record NodeIdentity(String instanceId, String availabilityZone, String environment) {
}
