package org.timekeeper.server;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsAndSlowRequestsTest {

    /** An access event that knows only its status and latency, all the filter reads. */
    private static IAccessEvent event(int status, long elapsedMillis) {
        return (IAccessEvent) Proxy.newProxyInstance(IAccessEvent.class.getClassLoader(), new Class<?>[] {IAccessEvent.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getStatusCode" -> status;
                    case "getElapsedTime" -> elapsedMillis;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void writesErrorsAndSlowRequestsOnly() {
        final ErrorsAndSlowRequests filter = new ErrorsAndSlowRequests(500, 250);
        assertThat(filter.decide(event(200, 3))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(404, 3))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(500, 3))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event(503, 0))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event(200, 250))).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void aMinimumStatusOfZeroWritesEveryRequest() {
        assertThat(new ErrorsAndSlowRequests(0, 250).decide(event(200, 0))).isEqualTo(FilterReply.NEUTRAL);
    }
}
