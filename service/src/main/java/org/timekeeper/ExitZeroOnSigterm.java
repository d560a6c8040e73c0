package org.timekeeper;

import sun.misc.Signal;

/**
 * A JVM ended by SIGTERM exits with status 143 even after a clean drain, which supervisors
 * report as a failure. SIGTERM is our normal stop, so it becomes {@code System.exit(0)}: the
 * shutdown hooks still run (readiness 503, the shutdown delay, Jetty's graceful stop), and the
 * status is 0.
 */
final class ExitZeroOnSigterm {

    private ExitZeroOnSigterm() {
    }

    static void install() {
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    }
}
