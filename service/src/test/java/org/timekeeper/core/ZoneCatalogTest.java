package org.timekeeper.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ZoneCatalogTest {
    private final ZoneCatalog catalog = ZoneCatalog.fromTzdata();

    @Test
    void listsCanonicalAreaLocationNamesSorted() {
        assertThat(catalog.zoneNames())
                .contains("Europe/London", "America/New_York", "America/Argentina/Buenos_Aires", "Etc/UTC", "Asia/Kolkata")
                .doesNotContain("US/Eastern", "Asia/Calcutta", "UTC", "GMT", "Japan")
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(catalog.zoneNames().stream().filter(name -> !name.contains("/")))
                .as("the single-segment names WorldTimeAPI lists, and no other")
                .containsExactly("CET", "CST6CDT", "EET", "EST", "EST5EDT", "HST", "MET", "MST", "MST7MDT", "PST8PDT", "WET");
        assertThat(catalog.zoneNames()).hasSizeGreaterThan(300);
    }

    @Test
    void resolvesNamesInAnyCaseToTheCanonicalSpelling() {
        assertThat(catalog.canonicalName("america/new_york")).contains("America/New_York");
        assertThat(catalog.canonicalName("EUROPE/LONDON")).contains("Europe/London");
        assertThat(catalog.canonicalName("america/argentina/buenos_aires")).contains("America/Argentina/Buenos_Aires");
    }

    @Test
    void resolvesLinksToTheirCanonicalZone() {
        assertThat(catalog.canonicalName("US/Eastern")).contains("America/New_York");
        assertThat(catalog.canonicalName("asia/calcutta")).contains("Asia/Kolkata");
        assertThat(catalog.canonicalName("UTC")).contains("Etc/UTC");
        assertThat(catalog.canonicalName("Etc/UTC")).contains("Etc/UTC");
    }

    @Test
    void listedSingleSegmentNamesResolveToThemselves() {
        assertThat(catalog.canonicalName("est")).contains("EST");
        assertThat(catalog.canonicalName("EST5EDT")).contains("EST5EDT");
        assertThat(catalog.canonicalName("met")).contains("MET");
        assertThat(catalog.zoneNamesInArea("CET")).as("a zone, not an area").isEmpty();
    }

    @Test
    void unknownNamesResolveToNothing() {
        assertThat(catalog.canonicalName("Mars/Olympus_Mons")).isEmpty();
        assertThat(catalog.canonicalName("")).isEmpty();
        assertThat(catalog.canonicalName("Europe")).isEmpty();
    }

    @Test
    void listsTheZonesOfAnAreaInAnyCase() {
        assertThat(catalog.zoneNamesInArea("america")).hasValueSatisfying(zones -> assertThat(zones)
                .contains("America/New_York", "America/Argentina/Buenos_Aires")
                .allSatisfy(zone -> assertThat(zone).startsWith("America/")));
        assertThat(catalog.zoneNamesInArea("Europe")).hasValueSatisfying(zones -> assertThat(zones).contains("Europe/Paris"));
        assertThat(catalog.zoneNamesInArea("Atlantis")).isEmpty();
        assertThat(catalog.zoneNamesInArea("US")).as("links are not listed, so US is no area").isEmpty();
    }

    @Test
    void reportsTheBundledTzRelease() {
        assertThat(catalog.tzdataVersion()).matches("\\d{4}[a-z]");
    }
}
