package org.timekeeper.server;

import org.eclipse.jetty.http.HttpStatus;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The one error body of the service, {"error": "..."}, written without a JSON library for Jetty's error path. */
final class JsonErrorBody {

    static final String CONTENT_TYPE = "application/json";
    static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8);

    private JsonErrorBody() {
    }

    static void write(PrintWriter writer, int status, String message) {
        writer.write("{\"error\":\"");
        writer.write(escape(messageOrReason(status, message)));
        writer.write("\"}");
    }

    /**
     * Jetty's 4xx messages are short reasons about the request ("Ambiguous URI path separator")
     * and are kept; a 5xx message may name an exception of ours and is replaced by the status
     * reason. A bare reason reads as Jersey's do: lower case.
     */
    static String messageOrReason(int status, String message) {
        final String reason = HttpStatus.getMessage(status);
        if (status >= 500 || message == null || message.isBlank() || message.equals(reason)) {
            return reason.toLowerCase(Locale.ROOT);
        }
        return message;
    }

    static String escape(String text) {
        final StringBuilder out = new StringBuilder(text.length() + 8);
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
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
