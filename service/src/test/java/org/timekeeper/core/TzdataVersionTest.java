package org.timekeeper.core;

import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.jar.JarInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The release timekeeper reports must be the one Joda-Time really carries: bumping one without the other fails here. */
class TzdataVersionTest {
    @Test
    void reportedReleaseIsTheOneInJodaTimesManifest() throws Exception {
        URL jodaJar = DateTimeZone.class.getProtectionDomain().getCodeSource().getLocation();
        String manifestVersion;
        try (var jar = new JarInputStream(jodaJar.openStream())) {
            // e.g. "2026fgtz": the release, then Joda's marker for the global-tz edition of tzdata
            manifestVersion = jar.getManifest().getMainAttributes().getValue("Time-Zone-Database-Version");
        }
        assertThat(manifestVersion).isNotNull();
        assertThat(manifestVersion.substring(0, 5)).isEqualTo(ZoneCatalog.fromTzdata().tzdataVersion());
    }
}
