package org.timekeeper.core;

import org.joda.time.DateTimeZone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The zone names timekeeper answers for, all from the one tz release bundled in Joda-Time.
 *
 * <p>Listed names are the canonical {@code Area/Location[/Region]} zones and the single-segment
 * names WorldTimeAPI lists ({@link #LISTED_SINGLE_SEGMENT_NAMES}); every other name the tz
 * database knows (links such as {@code US/Eastern} or {@code Asia/Calcutta}) resolves to its
 * canonical zone. Look-ups ignore case, since clients send {@code america/new_york}.
 */
public final class ZoneCatalog {
    private static final String TZDATA_VERSION_RESOURCE = "tzdata-version.txt";

    /**
     * The names without an area that WorldTimeAPI lists and its clients request. Recent tz
     * releases made them links (CET to Europe/Brussels, EST to America/Panama), but they are
     * listed and answered under their own name, as WorldTimeAPI does.
     */
    public static final List<String> LISTED_SINGLE_SEGMENT_NAMES = List.of(
            "CET", "CST6CDT", "EET", "EST", "EST5EDT", "HST", "MET", "MST", "MST7MDT", "PST8PDT", "WET");

    private final String tzdataVersion;
    private final List<String> zoneNames;
    private final Map<String, List<String>> zoneNamesByArea;
    private final Map<String, String> canonicalNameByLowerCaseName;

    private ZoneCatalog(String tzdataVersion, List<String> zoneNames, Map<String, String> canonicalNameByLowerCaseName) {
        this.tzdataVersion = tzdataVersion;
        this.zoneNames = List.copyOf(zoneNames);
        this.canonicalNameByLowerCaseName = Map.copyOf(canonicalNameByLowerCaseName);
        this.zoneNamesByArea = zoneNames.stream().filter(ZoneCatalog::isAreaLocation).collect(Collectors.groupingBy(
                name -> areaOf(name).toLowerCase(Locale.ROOT),
                TreeMap::new,
                Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList)));
    }

    public static ZoneCatalog fromTzdata() {
        var canonicalNames = new TreeSet<String>();
        var canonicalNameByLowerCaseName = new TreeMap<String, String>();
        for (String id : DateTimeZone.getAvailableIDs()) {
            if (isAreaLocation(id) && DateTimeZone.forID(id).getID().equals(id)) {
                canonicalNames.add(id);
            }
        }
        for (String id : DateTimeZone.getAvailableIDs()) {
            String target = canonicalTargetOf(id);
            if (canonicalNames.contains(target)) {
                canonicalNameByLowerCaseName.put(id.toLowerCase(Locale.ROOT), target);
            }
        }
        for (String name : LISTED_SINGLE_SEGMENT_NAMES) {
            DateTimeZone.forID(name); // fails the start when the bundled tz release lacks one
            canonicalNames.add(name);
            canonicalNameByLowerCaseName.put(name.toLowerCase(Locale.ROOT), name);
        }
        return new ZoneCatalog(readBundledTzdataVersion(), List.copyOf(canonicalNames), canonicalNameByLowerCaseName);
    }

    /** The tz database release all answers come from, e.g. {@code 2026f}. */
    public String tzdataVersion() {
        return tzdataVersion;
    }

    /** Every canonical zone name and listed single-segment name, sorted. */
    public List<String> zoneNames() {
        return zoneNames;
    }

    /** The canonical zone names under an area such as {@code America}; empty when no zone has that area. */
    public Optional<List<String>> zoneNamesInArea(String area) {
        return Optional.ofNullable(zoneNamesByArea.get(area.toLowerCase(Locale.ROOT)));
    }

    /** The canonical spelling of a zone or link name, in any case; empty when the tz database has no such name. */
    public Optional<String> canonicalName(String requestedName) {
        return Optional.ofNullable(canonicalNameByLowerCaseName.get(requestedName.toLowerCase(Locale.ROOT)));
    }

    private static boolean isAreaLocation(String id) {
        return id.indexOf('/') > 0;
    }

    private static String areaOf(String zoneName) {
        return zoneName.substring(0, zoneName.indexOf('/'));
    }

    /** Joda resolves a link to its target zone; its UTC singleton answers to "UTC", which tzdata spells Etc/UTC. */
    private static String canonicalTargetOf(String id) {
        String target = DateTimeZone.forID(id).getID();
        return "UTC".equals(target) ? "Etc/UTC" : target;
    }

    /**
     * Joda-Time's jar names its tz release in its manifest, which the shaded service jar does not keep;
     * the release is therefore recorded beside this class, and TzdataVersionTest holds the two equal.
     */
    private static String readBundledTzdataVersion() {
        try (InputStream in = ZoneCatalog.class.getResourceAsStream(TZDATA_VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + TZDATA_VERSION_RESOURCE + " beside " + ZoneCatalog.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
