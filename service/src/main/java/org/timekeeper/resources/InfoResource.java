package org.timekeeper.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.timekeeper.BuildInfo;
import org.timekeeper.api.MediaTypes;
import org.timekeeper.api.ServiceInfo;
import org.timekeeper.server.NodeIdentity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** GET /api/info: build, node identity and uptime, so a rolling deploy can be followed from outside. */
@Path("/info")
@Produces(MediaTypes.APPLICATION_JSON_UTF8)
public class InfoResource {

    private final BuildInfo build;
    private final NodeIdentity node;
    private final String tzdataVersion;
    private final Clock clock;
    private final Instant startedAt;

    public InfoResource(BuildInfo build, NodeIdentity node, String tzdataVersion, Clock clock, Instant startedAt) {
        this.build = build;
        this.node = node;
        this.tzdataVersion = tzdataVersion;
        this.clock = clock;
        this.startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
    }

    @GET
    @Timed
    @ResponseMetered
    @ExceptionMetered
    public ServiceInfo serviceInfo() {
        return new ServiceInfo(build.version(), build.commit(), build.buildTime(), node.instanceId(),
                node.availabilityZone(), node.environment(), startedAt.toString(),
                Duration.between(startedAt, clock.instant()).toSeconds(), tzdataVersion);
    }
}
