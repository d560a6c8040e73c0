package org.timekeeper.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The error handler of the server (requests rejected before any context: bad request line,
 * headers too large, ambiguous URIs) and of the application and admin servlet contexts
 * (sendError from filters and servlets: 405 from the allowed-methods filter, 404 on the admin
 * port): always {"error": "..."} as JSON whatever the Accept header says, for every method,
 * never HTML and never a stack trace.
 */
public class JsonErrorHandler extends ErrorHandler {

    private final ResponseHeaders responseHeaders;

    public JsonErrorHandler(ResponseHeaders responseHeaders) {
        this.responseHeaders = responseHeaders;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        responseHeaders.addTo(response.getHeaders(), request.getHeaders().get(ResponseHeaders.REQUEST_ID));
        if (!generateAcceptableResponse(request, response, callback, JsonErrorBody.CONTENT_TYPE,
                JsonErrorBody.CHARSETS, code, message, cause)) {
            callback.succeeded();
        }
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        JsonErrorBody.write(writer, code, message);
    }
}
