package org.timekeeper.resources;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.timekeeper.api.ErrorResponse;
import org.timekeeper.api.MediaTypes;

import java.util.Locale;

/**
 * Jersey's own errors (no such path 404, wrong method 405, unacceptable Accept 406, unsupported
 * Content-Type 415, and the ones our resources throw) as {"error": "..."} JSON, keeping the
 * status and headers such as Allow.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        final Response original = exception.getResponse();
        final int status = original.getStatus();
        final String message = exception instanceof ApiException ? exception.getMessage() : reason(original);
        final Response.ResponseBuilder response = Response.status(status)
                .type(MediaTypes.APPLICATION_JSON_UTF8)
                .entity(new ErrorResponse(message));
        final Object allow = original.getHeaders().getFirst("Allow");
        if (allow != null) {
            response.header("Allow", allow);
        }
        return response.build();
    }

    private static String reason(Response response) {
        final Response.StatusType status = response.getStatusInfo();
        final String phrase = status.getReasonPhrase();
        return phrase == null || phrase.isBlank()
                ? "error " + status.getStatusCode()
                : phrase.toLowerCase(Locale.ROOT);
    }
}
