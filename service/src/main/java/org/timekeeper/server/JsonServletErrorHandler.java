package org.timekeeper.server;

import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The same JSON errors as {@link JsonErrorHandler}, for the servlet contexts of the application
 * and admin ports (sendError from filters and servlets: 405 from the allowed-methods filter,
 * 404 on the admin port). A separate class because servlet contexts need the ee10 handler.
 */
public class JsonServletErrorHandler extends ErrorHandler {

    private final ResponseHeaders responseHeaders;

    public JsonServletErrorHandler(ResponseHeaders responseHeaders) {
        this.responseHeaders = responseHeaders;
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
        setShowMessageInTitle(false);
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
