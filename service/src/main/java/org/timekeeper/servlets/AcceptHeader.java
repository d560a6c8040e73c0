package org.timekeeper.servlets;

import java.util.Locale;

/**
 * Whether a request's Accept header admits a media type, as JAX-RS decides it for the resources:
 * no header admits everything; a range admits the type when it is the same type, {@code type/*}
 * or {@code *}/{@code *}, unless its q is 0.
 */
final class AcceptHeader {

    private AcceptHeader() {
    }

    static boolean accepts(String header, String mediaType) {
        if (header == null || header.isBlank()) {
            return true;
        }
        final String wanted = mediaType.toLowerCase(Locale.ROOT);
        final String wantedType = wanted.substring(0, wanted.indexOf('/'));
        for (String range : header.split(",")) {
            final String[] parts = range.split(";");
            final String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if ((type.equals("*/*") || type.equals(wanted) || type.equals(wantedType + "/*")) && !refused(parts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean refused(String[] rangeParts) {
        for (int i = 1; i < rangeParts.length; i++) {
            final String parameter = rangeParts[i].trim();
            if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
