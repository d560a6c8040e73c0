package org.timekeeper.geoip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tiny IPv4 MaxMind DB (format 2.0, 24-bit records) that places single addresses in
 * time zones, shaped like a City database: {"location": {"time_zone": "..."}}. Real GeoIP
 * databases cannot be downloaded here, and this keeps the reader honest against the format.
 */
final class TestMmdb {

    private static final int EMPTY = -1;
    private static final byte[] METADATA_MARKER = concat(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF},
            "MaxMind.com".getBytes(StandardCharsets.US_ASCII));

    private TestMmdb() {
    }

    static void write(Path file, Map<String, String> zoneByIpv4) throws IOException {
        final List<int[]> nodes = new ArrayList<>();
        nodes.add(new int[] {EMPTY, EMPTY});
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, String> entry : zoneByIpv4.entrySet()) {
            final int dataOffset = data.size();
            final Map<String, Object> record = Map.of("location", Map.of("time_zone", entry.getValue()));
            encode(data, record);
            final byte[] address = InetAddress.getByName(entry.getKey()).getAddress();
            int node = 0;
            for (int bit = 0; bit < 32; bit++) {
                final int side = (address[bit / 8] >> (7 - bit % 8)) & 1;
                if (bit == 31) {
                    nodes.get(node)[side] = -2 - dataOffset; // data pointer, resolved below
                } else {
                    if (nodes.get(node)[side] == EMPTY) {
                        nodes.add(new int[] {EMPTY, EMPTY});
                        nodes.get(node)[side] = nodes.size() - 1;
                    }
                    node = nodes.get(node)[side];
                }
            }
        }
        final int nodeCount = nodes.size();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] node : nodes) {
            for (int record : node) {
                final int value = record == EMPTY ? nodeCount : record >= 0 ? record : nodeCount + 16 + (-2 - record);
                out.write(value >> 16);
                out.write(value >> 8);
                out.write(value);
            }
        }
        out.write(new byte[16]);
        data.writeTo(out);
        out.write(METADATA_MARKER);
        final Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("binary_format_major_version", new Uint16(2));
        metadata.put("binary_format_minor_version", new Uint16(0));
        metadata.put("build_epoch", new Uint64(1_780_000_000L));
        metadata.put("database_type", "timekeeper-Test-City");
        metadata.put("description", Map.of("en", "timekeeper test database"));
        metadata.put("ip_version", new Uint16(4));
        metadata.put("languages", List.of("en"));
        metadata.put("node_count", new Uint32(nodeCount));
        metadata.put("record_size", new Uint16(24));
        encode(out, metadata);
        Files.write(file, out.toByteArray());
    }

    private record Uint16(int value) { }

    private record Uint32(long value) { }

    private record Uint64(long value) { }

    /** The MaxMind DB data section encoding, for the few types needed here (all sizes below 29). */
    private static void encode(ByteArrayOutputStream out, Object value) throws IOException {
        if (value instanceof String text) {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            control(out, 2, bytes.length);
            out.write(bytes);
        } else if (value instanceof Map<?, ?> map) {
            control(out, 7, map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                encode(out, entry.getKey());
                encode(out, entry.getValue());
            }
        } else if (value instanceof List<?> list) {
            control(out, 11, list.size());
            for (Object item : list) {
                encode(out, item);
            }
        } else if (value instanceof Uint16 number) {
            unsigned(out, 5, number.value(), 2);
        } else if (value instanceof Uint32 number) {
            unsigned(out, 6, number.value(), 4);
        } else if (value instanceof Uint64 number) {
            unsigned(out, 9, number.value(), 8);
        } else {
            throw new IllegalArgumentException("cannot encode " + value);
        }
    }

    private static void unsigned(ByteArrayOutputStream out, int type, long value, int bytes) {
        control(out, type, bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >> (8 * i)));
        }
    }

    /** Types above 7 are "extended": type 0 in the control byte, then (type - 7) in the next. */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        if (size >= 29) {
            throw new IllegalArgumentException("size " + size + " needs the long form, not written here");
        }
        if (type <= 7) {
            out.write((type << 5) | size);
        } else {
            out.write(size);
            out.write(type - 7);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        final byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
