package org.timekeeper.server;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Which requests the request log writes: those answered with at least {@code minimumStatus},
 * and those that took at least {@code slowerThanMillis}. Attached to Jetty's request log itself,
 * so a request it drops costs no copy of its headers, no queueing and no JSON line. With a
 * minimum status of 0 every request is written.
 */
public final class ErrorsAndSlowRequests extends Filter<IAccessEvent> {

    private final int minimumStatus;
    private final long slowerThanMillis;

    public ErrorsAndSlowRequests(int minimumStatus, long slowerThanMillis) {
        this.minimumStatus = minimumStatus;
        this.slowerThanMillis = slowerThanMillis;
    }

    @Override
    public FilterReply decide(IAccessEvent event) {
        return event.getStatusCode() >= minimumStatus || event.getElapsedTime() >= slowerThanMillis
                ? FilterReply.NEUTRAL
                : FilterReply.DENY;
    }
}
