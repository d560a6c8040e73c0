package org.timekeeper.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies lbs = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1, 2001:db8::/32");

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(lbs.clientAddress("198.51.100.7", List.of("203.0.113.1"))).isEqualTo("198.51.100.7");
    }

    @Test
    void aTrustedPeerIsBelievedUpToTheRightMostUntrustedHop() {
        assertThat(lbs.clientAddress("10.1.2.3", List.of("203.0.113.1, 198.51.100.9, 10.9.9.9")))
                .as("the left-most entry is the client's own claim and is not believed")
                .isEqualTo("198.51.100.9");
    }

    @Test
    void severalForwardedForHeadersAreOneList() {
        assertThat(lbs.clientAddress("127.0.0.1", List.of("203.0.113.1", "10.0.0.5"))).isEqualTo("203.0.113.1");
    }

    @Test
    void aTrustedPeerWithoutForwardedForIsTheClient() {
        assertThat(lbs.clientAddress("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void garbageEndsTheWalkAtTheLastAddress() {
        assertThat(lbs.clientAddress("10.1.2.3", List.of("evil.example, 10.0.0.7"))).isEqualTo("10.0.0.7");
        assertThat(lbs.clientAddress("10.1.2.3", List.of("not-an-ip"))).isEqualTo("10.1.2.3");
    }

    @Test
    void ipv6RangesMatch() {
        assertThat(lbs.clientAddress("2001:db8::1", List.of("2001:db9::2"))).isEqualTo("2001:db9:0:0:0:0:0:2");
    }

    @Test
    void cidrBoundariesAreExact() {
        final TrustedProxies narrow = TrustedProxies.parse("192.0.2.64/26");
        assertThat(narrow.clientAddress("192.0.2.127", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(narrow.clientAddress("192.0.2.128", List.of("203.0.113.1"))).isEqualTo("192.0.2.128");
        assertThat(narrow.clientAddress("192.0.2.63", List.of("203.0.113.1"))).isEqualTo("192.0.2.63");
    }

    @Test
    void noneTrustsNobody() {
        assertThat(TrustedProxies.parse(" ").isEmpty()).isTrue();
        assertThat(TrustedProxies.parse("").clientAddress("127.0.0.1", List.of("203.0.113.1")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void hostNamesAndBadPrefixesAreRejected() {
        assertThatThrownBy(() -> TrustedProxies.parse("lb.internal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv4LiteralsAreParsedWithoutLookingAnythingUp() {
        assertThat(TrustedProxies.literal("203.0.113.7")).hasValueSatisfying(
                address -> assertThat(address.getHostAddress()).isEqualTo("203.0.113.7"));
        assertThat(TrustedProxies.literal("[10.0.0.1]")).isPresent();
        assertThat(TrustedProxies.literal("0.0.0.0")).isPresent();
        for (String notOne : List.of("999.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4x",
                "0001.2.3.4", "localhost", "", "1.2.3.256")) {
            assertThat(TrustedProxies.literal(notOne)).as(notOne).isEmpty();
        }
    }
}
