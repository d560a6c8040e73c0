package org.timekeeper.server;

import org.eclipse.jetty.http.HttpStatus;
import org.timekeeper.api.Representations;

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
        writer.write(Representations.errorJson(messageOrReason(status, message)));
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
}
