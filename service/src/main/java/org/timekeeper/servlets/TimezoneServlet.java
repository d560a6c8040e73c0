package org.timekeeper.servlets;

import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.timekeeper.server.AllowedMethods;
import org.timekeeper.server.ClientIpFilter;
import org.timekeeper.servlets.TimezoneAnswers.Answer;
import org.timekeeper.servlets.TimezoneAnswers.Endpoint;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@value #PATH}, {@value #PATH}.txt and everything under {@value #PATH}/ (the hot
 * requests) straight from Jetty, without Jersey's routing and injection per request: the body
 * bytes come from {@link TimezoneAnswers}, written once. Everything else a request gets on any
 * path comes from the server around it: X-Request-Id, X-Served-By and X-App-Version (a
 * connector customizer), client_ip (ClientIpFilter), the request log, Jetty's request metrics.
 * Per endpoint it keeps the metrics Jersey keeps for the resources: a timer, a meter per status
 * class and one of unexpected exceptions, under {@code org.timekeeper.servlets.TimezoneServlet.<endpoint>}.
 */
public class TimezoneServlet extends HttpServlet {

    public static final String PATH = "/api/timezone";
    /** The servlet mappings that together cover {@value #PATH}, its .txt and every path under it. */
    public static final List<String> MAPPINGS = List.of(PATH, PATH + TimezoneAnswers.TEXT_SUFFIX, PATH + "/*");
    static final String INTERNAL_ERROR = "internal server error";

    private static final Logger LOG = LoggerFactory.getLogger(TimezoneServlet.class);

    private final TimezoneAnswers answers;
    private final Map<Endpoint, EndpointMetrics> metrics = new EnumMap<>(Endpoint.class);

    public TimezoneServlet(TimezoneAnswers answers, MetricRegistry registry) {
        this.answers = answers;
        for (Endpoint endpoint : Endpoint.values()) {
            metrics.put(endpoint, new EndpointMetrics(registry, MetricRegistry.name(TimezoneServlet.class, metricName(endpoint))));
        }
    }

    /** ZONE_TEXT becomes zoneText, as the resource methods' names read. */
    static String metricName(Endpoint endpoint) {
        final String[] words = endpoint.name().toLowerCase(java.util.Locale.ROOT).split("_");
        final StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
        }
        return name.toString();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final String method = request.getMethod();
        final boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", AllowedMethods.READ_ONLY);
            if ("OPTIONS".equals(method)) {
                response.setStatus(200);
                response.setContentLength(0);
            } else {
                write(response, TimezoneAnswers.error(null, 405, "method not allowed"), true);
            }
            return;
        }
        final long start = System.nanoTime();
        final String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Answer answer;
        try {
            answer = answers.get(path.substring(PATH.length()), request.getHeader("Accept"), clientIpOf(request));
        } catch (RuntimeException e) {
            LOG.error("unexpected error", e);
            answer = TimezoneAnswers.error(Endpoint.ZONE, 500, INTERNAL_ERROR);
            metrics.get(answer.endpoint()).exceptions.mark();
        }
        write(response, answer, !head);
        metrics.get(answer.endpoint()).record(answer.status(), System.nanoTime() - start);
    }

    private static String clientIpOf(HttpServletRequest request) {
        final Object clientIp = request.getAttribute(ClientIpFilter.PROPERTY);
        return clientIp == null ? "" : clientIp.toString();
    }

    private static void write(HttpServletResponse response, Answer answer, boolean withBody) throws IOException {
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setContentLength(answer.body().length);
        if (withBody) {
            response.getOutputStream().write(answer.body());
        }
    }

    /** A timer of every answer, a meter per status class (1xx..5xx) and a meter of unexpected exceptions. */
    private static final class EndpointMetrics {
        private final Timer timer;
        private final Meter[] statusClasses = new Meter[5];
        private final Meter exceptions;

        EndpointMetrics(MetricRegistry registry, String name) {
            // The lock-free reservoir: the default one takes a lock on every update, on every request.
            timer = registry.timer(name, () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
            for (int i = 0; i < statusClasses.length; i++) {
                statusClasses[i] = registry.meter(MetricRegistry.name(name, (i + 1) + "xx-responses"));
            }
            exceptions = registry.meter(MetricRegistry.name(name, "exceptions"));
        }

        void record(int status, long nanos) {
            timer.update(nanos, TimeUnit.NANOSECONDS);
            statusClasses[status / 100 - 1].mark();
        }
    }
}
