package org.timekeeper.servlets;

import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.timekeeper.servlets.TimezoneAnswers.Answer;
import org.timekeeper.servlets.TimezoneAnswers.Endpoint;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The answers of /api/timezone as both of their servers get them ({@link TimezoneReadHandler}
 * for plain reads, {@link TimezoneServlet} for every other request), counted per endpoint as
 * Jersey counts its resources: a timer, a meter per status class and one of unexpected
 * exceptions, under {@code org.timekeeper.servlets.TimezoneServlet.<endpoint>}.
 */
public final class CountedAnswers {

    static final String INTERNAL_ERROR = "internal server error";

    private static final Logger LOG = LoggerFactory.getLogger(CountedAnswers.class);

    private final TimezoneAnswers answers;
    private final Map<Endpoint, EndpointMetrics> metrics = new EnumMap<>(Endpoint.class);

    public CountedAnswers(TimezoneAnswers answers, MetricRegistry registry) {
        this.answers = answers;
        for (Endpoint endpoint : Endpoint.values()) {
            metrics.put(endpoint, new EndpointMetrics(registry, MetricRegistry.name(TimezoneServlet.class, metricName(endpoint))));
        }
    }

    /** ZONE_TEXT becomes zoneText, as the resource methods' names read. */
    static String metricName(Endpoint endpoint) {
        final String[] words = endpoint.name().toLowerCase(Locale.ROOT).split("_");
        final StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
        }
        return name.toString();
    }

    /** See {@link TimezoneAnswers#get}; an unexpected exception becomes a counted JSON 500. */
    Answer get(String path, String accept, String clientIp) {
        try {
            return answers.get(path, accept, clientIp);
        } catch (RuntimeException e) {
            LOG.error("unexpected error", e);
            final Answer answer = TimezoneAnswers.error(Endpoint.ZONE, 500, INTERNAL_ERROR);
            metrics.get(answer.endpoint()).exceptions.mark();
            return answer;
        }
    }

    /**
     * Counts an answer before it is written, {@code startNanos} being {@link System#nanoTime()} when its
     * request arrived: once a client holds a response, a scrape already counts it. The time spent
     * sending it is in Jetty's request timers.
     */
    void count(Answer answer, long startNanos) {
        metrics.get(answer.endpoint()).record(answer.status(), System.nanoTime() - startNanos);
    }

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
