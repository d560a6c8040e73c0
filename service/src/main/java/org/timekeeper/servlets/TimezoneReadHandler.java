package org.timekeeper.servlets;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.timekeeper.api.MediaTypes;
import org.timekeeper.server.ClientIpFilter;
import org.timekeeper.server.TrustedProxies;
import org.timekeeper.servlets.TimezoneAnswers.Answer;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The hot requests, GET and HEAD of {@value TimezoneServlet#PATH}, its .txt and the names under
 * it, answered by a Jetty handler ahead of the application's servlet context: no servlet
 * request and response, filter chain or header wrappers per request, and no call that may
 * block, so that {@link org.timekeeper.server.InlineReads} can run it on the selector thread
 * that parsed the request. It sits inside everything the server does for every
 * request: Dropwizard's Jetty request metrics, the graceful stop, the identity and request-id
 * headers (a connector customizer) and the request log. client_ip follows the same rule as
 * {@link ClientIpFilter}, the answers and their per-endpoint metrics are the servlet's
 * ({@link CountedAnswers}).
 *
 * <p>Only a path the servlet layer would take as it is (tz name characters, no empty, dot or
 * encoded segment) is answered here; any other request, and every other method, goes on to
 * the servlet context, where {@link TimezoneServlet} answers it.
 */
public final class TimezoneReadHandler extends Handler.Wrapper {

    /** Dropwizard's name for the connectors of the application port (the admin port's are "admin"). */
    public static final String APPLICATION_CONNECTOR = "application";

    private static final String PATH = TimezoneServlet.PATH;
    private static final Map<String, HttpField> CONTENT_TYPES = Map.of(
            MediaTypes.APPLICATION_JSON_UTF8, new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, MediaTypes.APPLICATION_JSON_UTF8),
            MediaTypes.TEXT_PLAIN_UTF8, new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, MediaTypes.TEXT_PLAIN_UTF8));

    private final CountedAnswers answers;
    private final TrustedProxies trustedProxies;

    /** @param servletContext the application's servlet context, which gets every request not answered here */
    public TimezoneReadHandler(CountedAnswers answers, TrustedProxies trustedProxies, Handler servletContext) {
        super(servletContext);
        this.answers = answers;
        this.trustedProxies = trustedProxies;
    }

    /** Whether this handler answers the request itself, with no blocking call. */
    public static boolean answersOnTheApplicationPort(Request request) {
        return APPLICATION_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName())
                && isPlainRead(request);
    }

    /** A GET or HEAD of a plain path: what this handler answers, of the requests that reach it. */
    private static boolean isPlainRead(Request request) {
        final String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && isPlainRead(request.getHttpURI().getPath());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!isPlainRead(request)) {
            return super.handle(request, response, callback);
        }
        final boolean head = "HEAD".equals(request.getMethod());
        final String path = request.getHttpURI().getPath();
        final long start = System.nanoTime();
        final HttpFields requestHeaders = request.getHeaders();
        final String clientIp = trustedProxies.clientAddress(Request.getRemoteAddr(request),
                requestHeaders.getValuesList(ClientIpFilter.FORWARDED_FOR));
        final Answer answer = answers.get(path.substring(PATH.length()), requestHeaders.get(HttpHeader.ACCEPT), clientIp);
        response.setStatus(answer.status());
        final HttpFields.Mutable responseHeaders = response.getHeaders();
        responseHeaders.put(CONTENT_TYPES.get(answer.contentType()));
        responseHeaders.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        answers.count(answer, start);
        response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    /**
     * {@value TimezoneServlet#PATH}, optionally followed by non-empty segments of tz name
     * characters, optionally ending in .txt: what the servlet layer would pass on unchanged.
     */
    static boolean isPlainRead(String path) {
        if (!path.startsWith(PATH)) {
            return false;
        }
        final int end = path.endsWith(TimezoneAnswers.TEXT_SUFFIX) ? path.length() - TimezoneAnswers.TEXT_SUFFIX.length() : path.length();
        if (end < PATH.length() || end > PATH.length() && path.charAt(PATH.length()) != '/') {
            return false;
        }
        char previous = 0;
        for (int i = PATH.length(); i < end; i++) {
            final char c = path.charAt(i);
            if (!ZoneNames.isNameCharacter(c) && !(c == '/' && previous != '/')) {
                return false;
            }
            previous = c;
        }
        return true;
    }
}
