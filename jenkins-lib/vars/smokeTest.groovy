import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.ReleaseVersion
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands
import org.timekeeper.jenkins.SmokeCheck

/**
 * Proves an environment serves the release through its public URL: several requests
 * (each may reach another node behind the load balancer) must all succeed and carry the
 * expected version header. Retries a few times for DNS and load-balancer caches.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The environment's public base URL, e.g. https://time.example.com
            url: null,
            // The path requested on it: a real API answer that carries the release version (the
            // service contract's paths.smoke).
            path: null,
            // The release version every response must carry.
            version: null,
            // The response header that carries the release version.
            versionHeader: SmokeCheck.VERSION_HEADER,
            // Requests per attempt; every one must pass.
            samples: 5,
            // Attempts before the step fails.
            attempts: 3,
            // Seconds between attempts.
            retryDelaySeconds: 10,
            // Seconds one request may take.
            requestTimeoutSeconds: 10,
    ]
    Map config = Settings.merge('smokeTest', defaultConfig, settings)
    String url = Settings.matching('smokeTest', 'url', config.url, Environment.URL_PATTERN, 'an http(s) URL') +
            Settings.matching('smokeTest', 'path', config.path, Environment.PATH_PATTERN, 'a path starting with /')
    String version = Settings.matching('smokeTest', 'version', config.version, ReleaseVersion.VERSION_PATTERN,
            'a release version')
    int samples = Settings.positive('smokeTest', 'samples', config.samples)
    int attempts = Settings.positive('smokeTest', 'attempts', config.attempts)

    String problem = null
    for (int attempt = 1; attempt <= attempts; attempt++) {
        problem = firstProblem(url, version, samples, config)
        if (problem == null) {
            echo "smokeTest: ${samples} responses from ${url} carry ${config.versionHeader}: ${version}"
            return
        }
        if (attempt < attempts) {
            echo "smokeTest: attempt ${attempt} of ${attempts}: ${problem}; retrying in ${config.retryDelaySeconds} s"
            sleep(time: config.retryDelaySeconds, unit: 'SECONDS')
        }
    }
    error("smokeTest: ${problem}")
}

/** @return what is wrong with the first bad response of one round of samples, or null */
private String firstProblem(String url, String version, int samples, Map config) {
    for (int sample = 1; sample <= samples; sample++) {
        String headers
        try {
            headers = sh(script: ShellCommands.fetchHeaders(url, config.requestTimeoutSeconds), returnStdout: true)
        } catch (failure) {
            return "${url} did not answer successfully (${failure.message})".toString()
        }
        String mismatch = SmokeCheck.mismatch(url, headers, config.versionHeader, version)
        if (mismatch != null) {
            return mismatch
        }
    }
    return null
}
