package org.timekeeper.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples read from a Prometheus text exposition. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of an unlabelled sample, 0 when absent. */
    public static long sample(String exposition, String name) {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(exposition);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }
}
