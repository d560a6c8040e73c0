package org.timekeeper.resources;

import java.util.regex.Pattern;

/**
 * What a requested zone or area name may look like before it is looked up: tz names are
 * letters, digits, '_', '-' and '+' (Etc/GMT+5), in at most three segments of modest length.
 */
final class ZoneNames {

    static final int MAX_SEGMENT_LENGTH = 64;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+\\-]+");

    private ZoneNames() {
    }

    /** Throws a 400 for a segment that can never be part of a tz name. */
    static void requireWellFormed(String... segments) {
        for (String segment : segments) {
            if (segment.length() > MAX_SEGMENT_LENGTH) {
                throw ApiException.badRequest("time zone name too long (at most " + MAX_SEGMENT_LENGTH
                        + " characters per segment)");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw ApiException.badRequest("invalid characters in time zone name (allowed: A-Z a-z 0-9 _ - +)");
            }
        }
    }
}
