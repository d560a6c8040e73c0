package org.timekeeper.api;

import org.timekeeper.core.DateTimeFacts;

import java.util.List;

/**
 * The bodies the API answers, written straight into text rather than through an object tree:
 * WorldTimeAPI's DateTime object as JSON and as {@code .txt} (one "key: value" line per field
 * in the JSON order, null as an empty value), a list of zone names as a JSON array and as one
 * name per line, and the error object {"error": "..."}. The DateTime fields are listed once,
 * in {@link #writeDateTime}, for both forms.
 */
public final class Representations {

    private Representations() {
    }

    public static String dateTimeJson(DateTimeFacts facts, String clientIp) {
        final JsonObject json = new JsonObject();
        writeDateTime(json, facts, clientIp);
        return json.close();
    }

    public static String dateTimeText(DateTimeFacts facts, String clientIp) {
        final TextLines text = new TextLines();
        writeDateTime(text, facts, clientIp);
        return text.out.toString();
    }

    /** WorldTimeAPI's field order. */
    private static void writeDateTime(Fields out, DateTimeFacts facts, String clientIp) {
        out.string("abbreviation", facts.abbreviation());
        out.string("client_ip", clientIp);
        out.string("datetime", facts.datetime());
        out.number("day_of_week", facts.dayOfWeek());
        out.number("day_of_year", facts.dayOfYear());
        out.bool("dst", facts.dst());
        out.string("dst_from", facts.dstFrom());
        out.number("dst_offset", facts.dstOffset());
        out.string("dst_until", facts.dstUntil());
        out.number("raw_offset", facts.rawOffset());
        out.string("timezone", facts.timezone());
        out.number("unixtime", facts.unixtime());
        out.string("utc_datetime", facts.utcDatetime());
        out.string("utc_offset", facts.utcOffset());
        out.number("week_number", facts.weekNumber());
    }

    public static String namesJson(List<String> names) {
        final StringBuilder out = new StringBuilder(names.size() * 24 + 2).append('[');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendJsonString(out, names.get(i));
        }
        return out.append(']').toString();
    }

    public static String namesText(List<String> names) {
        return names.isEmpty() ? "" : String.join("\n", names) + "\n";
    }

    public static String errorJson(String message) {
        return appendJsonString(new StringBuilder(message.length() + 12).append("{\"error\":"), message)
                .append('}').toString();
    }

    /**
     * A JSON string literal. Besides what JSON requires, {@code < > &} are escaped too, so an
     * error message quoting a request can never be read as markup.
     */
    public static StringBuilder appendJsonString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private interface Fields {
        void string(String name, String valueOrNull);

        void number(String name, long value);

        void bool(String name, boolean value);
    }

    private static final class JsonObject implements Fields {
        private final StringBuilder out = new StringBuilder(384).append('{');

        private StringBuilder name(String name) {
            if (out.length() > 1) {
                out.append(',');
            }
            return out.append('"').append(name).append("\":");
        }

        @Override
        public void string(String name, String valueOrNull) {
            if (valueOrNull == null) {
                name(name).append("null");
            } else {
                appendJsonString(name(name), valueOrNull);
            }
        }

        @Override
        public void number(String name, long value) {
            name(name).append(value);
        }

        @Override
        public void bool(String name, boolean value) {
            name(name).append(value);
        }

        String close() {
            return out.append('}').toString();
        }
    }

    private static final class TextLines implements Fields {
        private final StringBuilder out = new StringBuilder(384);

        @Override
        public void string(String name, String valueOrNull) {
            out.append(name).append(": ").append(valueOrNull == null ? "" : valueOrNull).append('\n');
        }

        @Override
        public void number(String name, long value) {
            out.append(name).append(": ").append(value).append('\n');
        }

        @Override
        public void bool(String name, boolean value) {
            out.append(name).append(": ").append(value).append('\n');
        }
    }
}
