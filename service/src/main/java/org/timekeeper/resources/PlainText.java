package org.timekeeper.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The .txt representations, derived from the JSON ones so the two can never disagree: an object
 * becomes one "key: value" line per field in the JSON order (null as an empty value), a list of
 * names one name per line.
 */
public final class PlainText {

    private final ObjectMapper mapper;

    public PlainText(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String ofObject(Object representation) {
        final JsonNode tree = mapper.valueToTree(representation);
        final StringBuilder text = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = fields.next();
            text.append(field.getKey()).append(": ")
                    .append(field.getValue().isNull() ? "" : field.getValue().asText())
                    .append('\n');
        }
        return text.toString();
    }

    public static String ofLines(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
