package org.timekeeper.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.timekeeper.testing.RawHttp;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the shaded jar as a real process, keeps requests flowing on keep-alive and on fresh
 * connections, sends SIGTERM and checks the drain contract: readiness 503 at once, every request
 * answered 200 until the shutdown delay ends, requests in flight when Jetty stops still
 * complete, no request is ever answered with an error status (after the delay new connections
 * are refused instead), and the process exits 0.
 *
 * Time windows carry a margin of {@value #MARGIN_MILLIS} ms on each side, because the machine
 * is shared and slow: assertions count failures inside windows, never measure latencies.
 */
class DrainIT {

    private static final String HOST = "127.0.0.1";
    private static final long DELAY_MILLIS = 5_000;
    private static final long GRACE_MILLIS = 15_000;
    private static final long MARGIN_MILLIS = 1_000;
    private static final long SLOW_REQUEST_MILLIS = 3_000;
    private static final int KEEP_ALIVE_CLIENTS = 3;

    private Process process;
    private ExecutorService clients;

    private enum Channel { KEEP_ALIVE, NEW_CONNECTION, READINESS, SLOW }

    /** One request: when it started (System.nanoTime), and its status or the exception it ended in. */
    private record Outcome(Channel channel, long startedNanos, long endedNanos, int status, Exception error) {
    }

    /** An outcome placed on a time line whose zero is the moment SIGTERM was sent. */
    private record Observed(Channel channel, long millisAfterSigterm, long endedMillisAfterSigterm, int status,
                            Exception error) {
        boolean refused() {
            return error instanceof ConnectException;
        }
    }

    private record Timeline(List<Observed> observed) {
        static Timeline of(List<Outcome> outcomes, long sigtermNanos) {
            return new Timeline(outcomes.stream()
                    .map(o -> new Observed(o.channel(),
                            TimeUnit.NANOSECONDS.toMillis(o.startedNanos() - sigtermNanos),
                            TimeUnit.NANOSECONDS.toMillis(o.endedNanos() - sigtermNanos), o.status(), o.error()))
                    .sorted(java.util.Comparator.comparingLong(Observed::millisAfterSigterm))
                    .toList());
        }

        /** When the first 503 from readiness was in hand: the service's delay had begun by then. */
        long readinessTurnedMillis() {
            return observed.stream()
                    .filter(o -> o.channel() == Channel.READINESS && o.status() == 503)
                    .mapToLong(Observed::endedMillisAfterSigterm)
                    .min().orElseThrow(() -> new AssertionError("readiness never answered 503"));
        }

        List<Observed> select(Channel channel, long fromMillis, long toMillis) {
            return observed.stream()
                    .filter(o -> o.channel() == channel)
                    .filter(o -> o.millisAfterSigterm() >= fromMillis && o.millisAfterSigterm() < toMillis)
                    .toList();
        }
    }

    @AfterEach
    void stopEverything() {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermDrainsWithoutFailingARequest() throws Exception {
        final int appPort = freePort();
        process = start(appPort, freePort());
        awaitReady(appPort, Duration.ofSeconds(60));

        final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        clients = Executors.newFixedThreadPool(KEEP_ALIVE_CLIENTS + 4);
        final HttpClient keepAlive = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        final HttpRequest info = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + appPort + "/api/info"))
                .timeout(Duration.ofSeconds(10)).build();

        for (int i = 0; i < KEEP_ALIVE_CLIENTS; i++) {
            clients.submit(() -> loop(outcomes, Channel.KEEP_ALIVE,
                    () -> keepAlive.send(info, HttpResponse.BodyHandlers.discarding()).statusCode()));
        }
        clients.submit(() -> loop(outcomes, Channel.NEW_CONNECTION,
                () -> RawHttp.get(HOST, appPort, "/api/info", 5_000).status()));
        clients.submit(() -> loop(outcomes, Channel.READINESS,
                () -> RawHttp.get(HOST, appPort, "/health-check?type=ready", 5_000).status()));

        Thread.sleep(2_000);
        final long sigtermNanos = System.nanoTime();
        process.destroy(); // SIGTERM

        // Two slow requests that are still running when the delay ends and Jetty starts its graceful stop.
        Thread.sleep(DELAY_MILLIS - MARGIN_MILLIS);
        final List<Future<Outcome>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(clients.submit(() -> timed(Channel.SLOW, () -> RawHttp.get(HOST, appPort,
                    "/api/test-only/slow?millis=" + SLOW_REQUEST_MILLIS, (int) GRACE_MILLIS).status())));
        }

        assertThat(process.waitFor(DELAY_MILLIS + GRACE_MILLIS + 30_000, TimeUnit.MILLISECONDS))
                .as("process exits after SIGTERM").isTrue();
        for (Future<Outcome> request : slow) {
            outcomes.add(request.get(GRACE_MILLIS, TimeUnit.MILLISECONDS));
        }
        Thread.sleep(500); // let each loop record one attempt against the stopped process
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);

        final Timeline timeline = Timeline.of(List.copyOf(outcomes), sigtermNanos);
        final String log = Files.readString(logFile());
        final long beforeSigterm = -60_000;
        final long delayEnds = DELAY_MILLIS - MARGIN_MILLIS;
        // The delay starts when the JVM runs its shutdown hooks, a little after SIGTERM on a busy
        // machine; it has surely ended one delay after readiness was first seen at 503.
        final long afterDelay = timeline.readinessTurnedMillis() + DELAY_MILLIS + MARGIN_MILLIS;
        final long end = Long.MAX_VALUE;

        assertThat(process.exitValue()).as("exit code; log:%n%s", log).isZero();

        final List<Observed> keepAliveDuringDelay = timeline.select(Channel.KEEP_ALIVE, 0, delayEnds);
        final List<Observed> newConnectionsDuringDelay = timeline.select(Channel.NEW_CONNECTION, 0, delayEnds);
        assertThat(keepAliveDuringDelay).as("keep-alive requests during the delay").hasSizeGreaterThan(10)
                .allMatch(o -> o.status() == 200);
        assertThat(newConnectionsDuringDelay).as("new-connection requests during the delay")
                .hasSizeGreaterThan(5).allMatch(o -> o.status() == 200);
        assertThat(timeline.select(Channel.KEEP_ALIVE, beforeSigterm, 0)).as("keep-alive requests before SIGTERM")
                .isNotEmpty().allMatch(o -> o.status() == 200);

        assertThat(timeline.select(Channel.READINESS, beforeSigterm, -MARGIN_MILLIS / 2))
                .as("readiness before SIGTERM").isNotEmpty().allMatch(o -> o.status() == 200);
        assertThat(timeline.readinessTurnedMillis()).as("readiness 503 soon after SIGTERM")
                .isLessThan(2 * MARGIN_MILLIS);
        assertThat(timeline.select(Channel.READINESS, timeline.readinessTurnedMillis(), delayEnds))
                .as("readiness during the delay").isNotEmpty().allMatch(o -> o.status() == 503);

        assertThat(timeline.select(Channel.SLOW, beforeSigterm, end))
                .as("slow requests in flight when Jetty stopped").hasSize(2).allMatch(o -> o.status() == 200);

        for (Channel channel : List.of(Channel.KEEP_ALIVE, Channel.NEW_CONNECTION)) {
            assertThat(timeline.select(channel, beforeSigterm, end))
                    .as("%s requests answered with an error status at any time", channel)
                    .noneMatch(o -> o.status() > 0 && o.status() != 200);
        }
        assertThat(timeline.select(Channel.NEW_CONNECTION, afterDelay, end))
                .as("new connections after the delay").isNotEmpty().allMatch(Observed::refused);

        assertLogsAreJson(log);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theJarAloneStartsWithoutAConfigFileAndExitsZeroOnSigterm() throws Exception {
        final int appPort = freePort();
        process = start(appPort, freePort(), "-jar", jar(), "server");
        awaitReady(appPort, Duration.ofSeconds(60));
        final RawHttp.Reply info = RawHttp.get(HOST, appPort, "/api/info", 10_000);
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.header("X-Served-By")).isEqualTo("drain-it");

        process.destroy(); // SIGTERM
        int readiness = 200;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS - MARGIN_MILLIS);
        while (readiness != 503 && System.nanoTime() < deadline) {
            readiness = RawHttp.get(HOST, appPort, "/health-check?type=ready", 5_000).status();
        }
        assertThat(readiness).as("readiness soon after SIGTERM").isEqualTo(503);
        assertThat(RawHttp.get(HOST, appPort, "/api/info", 5_000).status()).as("still serving").isEqualTo(200);
        assertThat(process.waitFor(DELAY_MILLIS + GRACE_MILLIS + 30_000, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code; log:%n%s", Files.readString(logFile())).isZero();
    }

    /** The process's stdout: application log and request log, one JSON object per line. */
    private static void assertLogsAreJson(String log) throws IOException {
        final ObjectMapper mapper = new ObjectMapper();
        final List<JsonNode> lines = new ArrayList<>();
        for (String line : log.lines().filter(l -> !l.isBlank() && !isFromTheJvmItself(l)).toList()) {
            assertThat(line).as("every line on stdout is a JSON object").startsWith("{");
            lines.add(mapper.readTree(line));
        }
        assertThat(lines).as("application log line about the delayed shutdown").anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("message").asText()).contains("delayed shutdown: started");
        });
        // The request log's default writes server errors and slow requests: the readiness
        // checks answered 503 during the drain are always among them.
        assertThat(lines).as("request log line of a readiness check answered 503").anySatisfy(line -> {
            assertThat(line.path("uri").asText()).isEqualTo("/health-check");
            assertThat(line.path("status").asInt()).isEqualTo(503);
            assertThat(line.path("requestTime").isNumber()).as("latency in ms").isTrue();
            assertThat(line.path("responseHeaders").path("X-Request-Id").asText()).isNotBlank();
        });
    }

    private interface StatusCall {
        int call() throws Exception;
    }

    private static void loop(ConcurrentLinkedQueue<Outcome> outcomes, Channel channel, StatusCall call) {
        while (!Thread.currentThread().isInterrupted()) {
            final Outcome outcome = timed(channel, call);
            outcomes.add(outcome);
            try {
                Thread.sleep(outcome.error() == null ? 20 : 100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Outcome timed(Channel channel, StatusCall call) {
        final long started = System.nanoTime();
        try {
            final int status = call.call();
            return new Outcome(channel, started, System.nanoTime(), status, null);
        } catch (Exception e) {
            return new Outcome(channel, started, System.nanoTime(), -1, e);
        }
    }

    /** The shaded jar plus the test-only slow endpoint; same main path, same built-in configuration. */
    private Process start(int appPort, int adminPort) throws IOException {
        return start(appPort, adminPort, "-cp", jar() + File.pathSeparator + System.getProperty("timekeeper.testClasses"),
                SlowRequestsApplication.class.getName(), "server");
    }

    private static String jar() {
        final String jar = System.getProperty("timekeeper.jar");
        assertThat(jar).as("system property timekeeper.jar (set by failsafe)").isNotNull();
        assertThat(new File(jar)).exists();
        return jar;
    }

    private Process start(int appPort, int adminPort, String... javaArguments) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(javaArguments));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BIND_HOST", HOST);
        builder.environment().put("APP_PORT", Integer.toString(appPort));
        builder.environment().put("ADMIN_PORT", Integer.toString(adminPort));
        builder.environment().put("INSTANCE_ID", "drain-it");
        builder.environment().put("SHUTDOWN_DELAY", DELAY_MILLIS + "ms");
        builder.environment().put("SHUTDOWN_GRACE_PERIOD", GRACE_MILLIS + "ms");
        builder.redirectErrorStream(true).redirectOutput(logFile().toFile());
        return builder.start();
    }

    /** The JVM may warn on its own (e.g. about class data sharing on a busy machine); that is not our log. */
    private static boolean isFromTheJvmItself(String line) {
        return line.startsWith("OpenJDK ") || line.startsWith("Java HotSpot");
    }

    private static Path logFile() {
        return Path.of(System.getProperty("timekeeper.drainLog", "target/drain-it.log"));
    }

    private void awaitReady(int port, Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("service process is running").isTrue();
            try {
                if (RawHttp.get(HOST, port, "/health-check?type=ready", 2_000).status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("service not ready within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
