package org.timekeeper.core;

import java.util.Optional;

/** Finds the canonical tz name of the place an IP address is located (a GeoIP database lookup). */
public interface IpZoneLocator {

    /** Empty when the database does not place the address, or places it in no zone we know. */
    Optional<String> zoneOf(String ipAddress);
}
