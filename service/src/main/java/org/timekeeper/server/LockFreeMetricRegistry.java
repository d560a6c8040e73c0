package org.timekeeper.server;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

/**
 * The registry every metric of the service lives in. Timers and histograms asked for by name
 * alone (Jetty's request metrics: three timers updated on every request) get the lock-free
 * exponentially decaying reservoir instead of the default one, which takes a lock and sorts
 * into a skip list under it on every update. Same names, same types, the same forward-decaying
 * sample: what the admin port and the Prometheus bridge show does not change, only its cost.
 */
public final class LockFreeMetricRegistry extends MetricRegistry {

    public static Timer lockFreeTimer() {
        return new Timer(LockFreeExponentiallyDecayingReservoir.builder().build());
    }

    @Override
    public Timer timer(String name) {
        return timer(name, LockFreeMetricRegistry::lockFreeTimer);
    }

    @Override
    public Histogram histogram(String name) {
        return histogram(name, () -> new Histogram(LockFreeExponentiallyDecayingReservoir.builder().build()));
    }
}
