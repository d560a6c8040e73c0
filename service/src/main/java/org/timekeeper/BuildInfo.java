package org.timekeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What was built: version, git commit and build time, baked in by Maven resource filtering. */
public record BuildInfo(String version, String commit, String buildTime) {

    static final String RESOURCE = "/build-info.properties";
    static final String UNKNOWN = "unknown";

    public static BuildInfo fromClasspath() {
        final Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo(
                valueOrUnknown(properties, "version"),
                valueOrUnknown(properties, "commit"),
                valueOrUnknown(properties, "build_time"));
    }

    /** An unfiltered placeholder (a build outside git, a run from the IDE) reads as "unknown". */
    private static String valueOrUnknown(Properties properties, String key) {
        final String value = properties.getProperty(key, "").trim();
        return value.isEmpty() || value.contains("${") ? UNKNOWN : value;
    }
}
