package org.timekeeper.resources;

import jakarta.ws.rs.WebApplicationException;

/** An error a resource answers on purpose; its message is the "error" text the client sees. */
public class ApiException extends WebApplicationException {

    public ApiException(int status, String message) {
        super(message, status);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
