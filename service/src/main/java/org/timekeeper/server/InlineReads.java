package org.timekeeper.server;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * Runs the requests that never block (the hot reads) on the thread that parsed them, and every
 * other request on its connector's thread pool, as Jetty would have.
 *
 * <p>Jetty hands a request from its selector thread to a pool thread only when the server's
 * handlers may block; a server of servlets always may, so every request paid a thread
 * hand-off (the benchmark's profile: {@code LockSupport.unpark} its hottest method) and the
 * selector a wake-up to take the connection back. Declared non-blocking at the top of the
 * server, this handler makes that choice per request instead: a read answered from memory runs
 * where it was parsed, like a Go handler on its connection's goroutine; anything that may block
 * (Jersey, the admin servlets, health checks, errors) is dispatched exactly as before.
 */
public final class InlineReads extends Handler.Wrapper {

    private final Predicate<Request> neverBlocks;

    /** @param neverBlocks the requests whose whole handling does no blocking call */
    public InlineReads(Handler next, Predicate<Request> neverBlocks) {
        super(next);
        this.neverBlocks = neverBlocks;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (neverBlocks.test(request)) {
            return super.handle(request, response, callback);
        }
        try {
            request.getConnectionMetaData().getConnector().getExecutor()
                    .execute(() -> handleOnPoolThread(request, response, callback));
        } catch (RejectedExecutionException full) {
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
        }
        return true;
    }

    /** What Jetty does with a request on a pool thread: not handled is a 404, a failure an error response. */
    private void handleOnPoolThread(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable failure) {
            callback.failed(failure);
        }
    }
}
