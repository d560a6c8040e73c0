package org.timekeeper.geoip;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.dropwizard.lifecycle.Managed;
import org.timekeeper.core.IpZoneLocator;
import org.timekeeper.core.ZoneCatalog;
import org.timekeeper.server.TrustedProxies;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Places an IP address with a MaxMind City database (GeoIP2 or GeoLite2, .mmdb): its
 * location.time_zone, resolved through our tz catalog so the answer is a canonical name of the
 * same tz release as every other answer. Opened once at start-up; lookups are thread-safe.
 */
public final class MaxMindZoneLocator implements IpZoneLocator, Managed {

    private final Reader reader;
    private final ZoneCatalog catalog;

    private MaxMindZoneLocator(Reader reader, ZoneCatalog catalog) {
        this.reader = reader;
        this.catalog = catalog;
    }

    /** Fails at start-up, not at the first request, when the database cannot be read. */
    public static MaxMindZoneLocator open(File database, ZoneCatalog catalog) {
        try {
            return new MaxMindZoneLocator(new Reader(database, new CHMCache()), catalog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open GeoIP database " + database, e);
        }
    }

    @Override
    public Optional<String> zoneOf(String ipAddress) {
        final Optional<InetAddress> address = TrustedProxies.literal(ipAddress);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        try {
            final Map<?, ?> record = reader.get(address.get(), Map.class);
            if (record != null && record.get("location") instanceof Map<?, ?> location
                    && location.get("time_zone") instanceof String zone) {
                return catalog.canonicalName(zone);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("GeoIP lookup failed for " + ipAddress, e);
        }
    }

    @Override
    public void stop() throws IOException {
        reader.close();
    }
}
