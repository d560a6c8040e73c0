package org.timekeeper.resources;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.timekeeper.api.ErrorResponse;
import org.timekeeper.api.MediaTypes;

/** A bug is logged with its stack trace and answered with a JSON 500 that reveals nothing. */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        LOG.error("unexpected error", exception);
        return Response.serverError()
                .type(MediaTypes.APPLICATION_JSON_UTF8)
                .entity(new ErrorResponse("internal server error"))
                .build();
    }
}
