package org.timekeeper.server;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Stamps every response of a connector, before any handler runs, with the node's identity
 * ({@value #SERVED_BY}, {@value #APP_VERSION}) and a request id ({@value #REQUEST_ID}: the
 * caller's when it is sane, else a new UUID), so that errors written by Jetty itself carry
 * them too and a rolling deploy can be watched from the outside.
 */
public final class ResponseHeaders implements HttpConfiguration.Customizer {

    public static final String SERVED_BY = "X-Served-By";
    public static final String APP_VERSION = "X-App-Version";
    public static final String REQUEST_ID = "X-Request-Id";

    /** A caller's id is echoed only when it cannot smuggle anything into logs or headers. */
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final String instanceId;
    private final String appVersion;
    private volatile boolean draining;

    public ResponseHeaders(String instanceId, String appVersion) {
        this.instanceId = instanceId;
        this.appVersion = appVersion;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        addTo(responseHeaders, request.getHeaders().get(REQUEST_ID));
        if (draining) {
            responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        return request;
    }

    /**
     * From SIGTERM on, every response closes its connection: keep-alive pools (the load
     * balancer's, clients') move off this node during the shutdown delay, so when Jetty stops
     * no idle connection is left for a late request to be refused with a 503 on.
     */
    public void startDraining() {
        draining = true;
    }

    /** Adds the headers that are missing; also used by the error handlers for requests Jetty rejected early. */
    public void addTo(HttpFields.Mutable responseHeaders, String callerRequestId) {
        if (!responseHeaders.contains(SERVED_BY)) {
            responseHeaders.put(SERVED_BY, instanceId);
        }
        if (!responseHeaders.contains(APP_VERSION)) {
            responseHeaders.put(APP_VERSION, appVersion);
        }
        if (!responseHeaders.contains(REQUEST_ID)) {
            responseHeaders.put(REQUEST_ID, requestIdFor(callerRequestId));
        }
    }

    static String requestIdFor(String callerRequestId) {
        if (callerRequestId != null && SAFE_REQUEST_ID.matcher(callerRequestId).matches()) {
            return callerRequestId;
        }
        return newRequestId();
    }

    /**
     * A random (version 4) UUID from the thread's own generator. A request id must be unique,
     * not unpredictable, and UUID.randomUUID() makes every request queue on one shared
     * SecureRandom: the benchmark's JFR recording showed it as the service's most contended lock.
     */
    private static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
        long leastSignificant = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }
}
