package org.timekeeper.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.BuildInfo;
import org.timekeeper.server.NodeIdentity;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(DropwizardExtensionsSupport.class)
class InfoResourceTest {

    private static final ResourceExtension RESOURCES = ResourceTestSupport.builder()
            .addResource(new InfoResource(new BuildInfo("1.2.3", "abc123", "2026-07-01T00:00:00Z"),
                    new NodeIdentity("node-7", "eu-west-1b", "staging"), "2026f", ResourceTestSupport.CLOCK,
                    ResourceTestSupport.NOW.minusSeconds(90)))
            .build();

    @Test
    void reportsBuildNodeUptimeAndTzRelease() throws Exception {
        final JsonNode info = new ObjectMapper().readTree(RESOURCES.target("/info").request().get(String.class));
        final List<String> fields = new ArrayList<>();
        info.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("version", "commit", "build_time", "instance_id", "availability_zone",
                "environment", "started_at", "uptime_seconds", "tzdata_version");
        assertThat(info.get("version").asText()).isEqualTo("1.2.3");
        assertThat(info.get("commit").asText()).isEqualTo("abc123");
        assertThat(info.get("instance_id").asText()).isEqualTo("node-7");
        assertThat(info.get("availability_zone").asText()).isEqualTo("eu-west-1b");
        assertThat(info.get("environment").asText()).isEqualTo("staging");
        assertThat(info.get("started_at").asText()).isEqualTo("2026-07-01T11:58:30Z");
        assertThat(info.get("uptime_seconds").asLong()).isEqualTo(90);
        assertThat(info.get("tzdata_version").asText()).isEqualTo("2026f");
    }
}
