package org.timekeeper.server;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseHeadersTest {

    private final ResponseHeaders headers = new ResponseHeaders("node-1", "2.0.0");

    @Test
    void stampsIdentityAndKeepsASaneRequestId() {
        final HttpFields.Mutable response = HttpFields.build();
        headers.addTo(response, "req-42");
        assertThat(response.get(ResponseHeaders.SERVED_BY)).isEqualTo("node-1");
        assertThat(response.get(ResponseHeaders.APP_VERSION)).isEqualTo("2.0.0");
        assertThat(response.get(ResponseHeaders.REQUEST_ID)).isEqualTo("req-42");
        assertThat(response.get("Connection")).isNull();
    }

    @Test
    void replacesAMissingOrUnsafeRequestId() {
        assertThat(ResponseHeaders.requestIdFor(null)).matches("[0-9a-f-]{36}");
        assertThat(UUID.fromString(ResponseHeaders.requestIdFor(null)).version()).as("a random UUID").isEqualTo(4);
        assertThat(UUID.fromString(ResponseHeaders.requestIdFor(null)).variant()).as("the IETF variant").isEqualTo(2);
        assertThat(ResponseHeaders.requestIdFor(null)).isNotEqualTo(ResponseHeaders.requestIdFor(null));
        assertThat(ResponseHeaders.requestIdFor("a b")).matches("[0-9a-f-]{36}");
        assertThat(ResponseHeaders.requestIdFor("x".repeat(129))).matches("[0-9a-f-]{36}");
        assertThat(ResponseHeaders.requestIdFor("x".repeat(128))).isEqualTo("x".repeat(128));
    }

    @Test
    void neverAddsTwice() {
        final HttpFields.Mutable response = HttpFields.build();
        headers.addTo(response, "first");
        headers.addTo(response, "second");
        assertThat(response.getValuesList(ResponseHeaders.REQUEST_ID)).containsExactly("first");
    }
}
