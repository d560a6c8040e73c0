package org.timekeeper.geoip;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.timekeeper.core.ZoneCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaxMindZoneLocatorTest {

    private static final ZoneCatalog CATALOG = ZoneCatalog.fromTzdata();

    @TempDir
    Path dir;

    private MaxMindZoneLocator locator;

    @BeforeEach
    void openDatabase() throws Exception {
        final Path database = dir.resolve("city.mmdb");
        TestMmdb.write(database, Map.of(
                "203.0.113.7", "Asia/Kathmandu",
                "198.51.100.1", "America/Buenos_Aires",
                "192.0.2.1", "Mars/Olympus_Mons"));
        locator = MaxMindZoneLocator.open(database.toFile(), CATALOG);
    }

    @AfterEach
    void close() throws Exception {
        locator.stop();
    }

    @Test
    void placesAnAddressInItsZone() {
        assertThat(locator.zoneOf("203.0.113.7")).contains("Asia/Kathmandu");
    }

    @Test
    void answersTheCanonicalNameOfALinkInTheDatabase() {
        assertThat(locator.zoneOf("198.51.100.1")).contains("America/Argentina/Buenos_Aires");
    }

    @Test
    void anAddressOutsideTheDatabaseOrAZoneWeDoNotKnowIsUnplaced() {
        assertThat(locator.zoneOf("203.0.113.8")).isEmpty();
        assertThat(locator.zoneOf("192.0.2.1")).isEmpty();
        assertThat(locator.zoneOf("not-an-address")).isEmpty();
    }

    @Test
    void anUnreadableDatabaseFailsAtStartUp() throws Exception {
        final Path broken = Files.writeString(dir.resolve("broken.mmdb"), "not a database");
        assertThatThrownBy(() -> MaxMindZoneLocator.open(broken.toFile(), CATALOG))
                .hasMessageContaining("cannot open GeoIP database");
        assertThatThrownBy(() -> MaxMindZoneLocator.open(dir.resolve("missing.mmdb").toFile(), CATALOG))
                .hasMessageContaining("cannot open GeoIP database");
    }
}
