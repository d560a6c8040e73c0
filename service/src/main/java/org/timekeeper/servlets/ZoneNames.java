package org.timekeeper.servlets;

import java.util.Optional;

/**
 * What a requested zone or area name may look like before it is looked up: tz names are
 * letters, digits, '_', '-' and '+' (Etc/GMT+5), in at most three segments of modest length.
 * The OpenAPI document declares the same pattern and length for each path segment
 * (OpenApiContractTest holds the two equal).
 */
public final class ZoneNames {

    public static final int MAX_SEGMENT_LENGTH = 64;
    public static final String SEGMENT_PATTERN = "[A-Za-z0-9_+\\-]+";

    private ZoneNames() {
    }

    /** SEGMENT_PATTERN by hand: a regex matcher per segment was among the hot path's allocations. */
    private static boolean isSegment(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (!isNameCharacter(segment.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isNameCharacter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-';
    }

    /** Why a segment can never be part of a tz name (a 400), or empty when it may be one. */
    static Optional<String> problemWith(String... segments) {
        for (String segment : segments) {
            if (segment.length() > MAX_SEGMENT_LENGTH) {
                return Optional.of("time zone name too long (at most " + MAX_SEGMENT_LENGTH
                        + " characters per segment)");
            }
            if (!isSegment(segment)) {
                return Optional.of("invalid characters in time zone name (allowed: A-Z a-z 0-9 _ - +)");
            }
        }
        return Optional.empty();
    }
}
