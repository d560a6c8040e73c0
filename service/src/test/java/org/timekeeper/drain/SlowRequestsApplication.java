package org.timekeeper.drain;

import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.timekeeper.TimekeeperApplication;
import org.timekeeper.TimekeeperConfiguration;

/**
 * The real application plus one test-only endpoint that takes as long as asked, so the drain
 * test can hold requests in flight across Jetty's graceful stop. Launched from the shaded jar
 * with the test classes appended to the class path; production code has no such endpoint.
 */
public class SlowRequestsApplication extends TimekeeperApplication {

    public static void main(String[] args) throws Exception {
        launch(new SlowRequestsApplication(), args);
    }

    @Override
    public void run(TimekeeperConfiguration configuration, Environment environment) {
        super.run(configuration, environment);
        environment.jersey().register(new SlowResource());
    }

    @Path("/test-only/slow")
    public static class SlowResource {
        @GET
        public String slow(@QueryParam("millis") long millis) throws InterruptedException {
            Thread.sleep(Math.min(millis, 10_000));
            return "slept " + millis;
        }
    }
}
