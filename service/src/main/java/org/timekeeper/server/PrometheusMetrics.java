package org.timekeeper.server;

import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus text exposition at admin {@value #PATH}: every Dropwizard metric (per-endpoint
 * timers and status-class meters, Jetty, JVM) through the Dropwizard-Metrics-4 bridge, plus
 * info metrics naming the release and the tz database in use.
 */
public final class PrometheusMetrics {

    public static final String PATH = "/metrics/prometheus";
    private static final String RESOURCES_PACKAGE = "org.timekeeper.resources.";

    private PrometheusMetrics() {
    }

    /**
     * Jersey also times each resource method's filters ("...zone.request.filtering") and the
     * whole ("...zone.total"). Prometheus reserves the _total suffix, so "zone.total" would
     * collide with the method timer "zone"; the method timers and Jetty's own request timers
     * already tell the latency, so these are left to the JSON /metrics.
     */
    static boolean isJerseyFilterTimer(String name) {
        return name.startsWith(RESOURCES_PACKAGE)
                && (name.endsWith(".total") || name.endsWith(".request.filtering")
                    || name.endsWith(".response.filtering"));
    }

    public static void install(Environment environment, String version, String commit, String tzdataVersion) {
        final PrometheusRegistry registry = new PrometheusRegistry();
        DropwizardExports.builder()
                .dropwizardRegistry(environment.metrics())
                .metricFilter((name, metric) -> !isJerseyFilterTimer(name))
                // Text-valued gauges (JVM name and vendor, the tzdata release) have no Prometheus
                // number; they are skipped here and the info metrics below carry the useful ones.
                .invalidMetricHandler((name, exception) -> true)
                .register(registry);
        Info.builder()
                .name("timekeeper_tzdata_info")
                .help("The tz database release every answer is computed from")
                .labelNames("version")
                .register(registry)
                .setLabelValues(tzdataVersion);
        Info.builder()
                .name("timekeeper_build_info")
                .help("The release this node runs")
                .labelNames("version", "commit")
                .register(registry)
                .setLabelValues(version, commit);
        environment.admin()
                .addServlet("prometheus", new PrometheusMetricsServlet(registry))
                .addMapping(PATH);
    }
}
