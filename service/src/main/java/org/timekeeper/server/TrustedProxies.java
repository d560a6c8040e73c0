package org.timekeeper.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The load balancers whose X-Forwarded-For is believed, as IP ranges, and the rule that turns
 * a request's peer and X-Forwarded-For into the client's address.
 */
public final class TrustedProxies {

    /** Literals only: a host name here would make InetAddress query DNS on every request. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** "10.0.0.0/8, 127.0.0.1, ::1"; blank means none. */
    public static TrustedProxies parse(String commaSeparated) {
        final List<Range> ranges = new ArrayList<>();
        if (commaSeparated == null) {
            return none();
        }
        for (String entry : commaSeparated.split(",")) {
            final String trimmed = entry.trim();
            if (!trimmed.isEmpty()) {
                ranges.add(Range.parse(trimmed));
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean isTrusted(InetAddress address) {
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    /**
     * The client's address: the socket peer unless the peer is trusted; then the right-most
     * X-Forwarded-For entry that is not a trusted proxy (entries left of it are the client's
     * own claims and cannot be believed). An entry that is not an IP address ends the walk at
     * the last address that was one.
     */
    public String clientAddress(String peer, List<String> forwardedForHeaders) {
        final Optional<InetAddress> peerAddress = literal(peer);
        if (peerAddress.isEmpty() || !isTrusted(peerAddress.get()) || forwardedForHeaders == null) {
            return peer;
        }
        final List<String> hops = new ArrayList<>();
        for (String header : forwardedForHeaders) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            final Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get().getHostAddress();
            if (!isTrusted(hop.get())) {
                return client;
            }
        }
        return client;
    }

    /** An IP literal as an address, never a DNS lookup; empty for anything else. */
    public static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String candidate = text.trim();
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        if (candidate.indexOf(':') < 0) {
            return ipv4(candidate);
        }
        if (!IPV6.matcher(candidate).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(candidate));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * A dotted quad, parsed here: it is every request's peer on a node behind a trusted proxy,
     * and InetAddress.getByName would also look up "999.1.1.1" in DNS as a host name.
     */
    private static Optional<InetAddress> ipv4(String text) {
        final byte[] address = new byte[4];
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            final char c = i < text.length() ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && value <= 255 && octet < 4) {
                address[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return Optional.empty();
            }
        }
        if (octet != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    @Override
    public String toString() {
        return ranges.toString();
    }

    private record Range(byte[] network, int prefixLength, String text) {

        static Range parse(String text) {
            final int slash = text.indexOf('/');
            final String address = slash < 0 ? text : text.substring(0, slash);
            final byte[] bytes = literal(address)
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text))
                    .getAddress();
            final int maxPrefix = bytes.length * 8;
            final int prefix;
            try {
                prefix = slash < 0 ? maxPrefix : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length: " + text, e);
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("bad prefix length: " + text);
            }
            return new Range(bytes, prefix, text);
        }

        boolean contains(InetAddress address) {
            final byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int remaining = prefixLength;
            for (int i = 0; i < network.length && remaining > 0; i++, remaining -= 8) {
                final int mask = remaining >= 8 ? 0xFF : (0xFF << (8 - remaining)) & 0xFF;
                if ((candidate[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
