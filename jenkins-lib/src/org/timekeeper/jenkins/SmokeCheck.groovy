package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Reads what a smoke request proved: the version header among the response headers
 * curl printed. Behind a load balancer each request may reach another node, so the step
 * samples several responses and every one must carry the expected version.
 */
class SmokeCheck implements Serializable {

    private static final long serialVersionUID = 1L

    /** The header every timekeeper-style service answers with (release version). */
    static final String VERSION_HEADER = 'X-App-Version'

    /**
     * @param rawHeaders curl's {@code -D -} output; after redirects it holds several
     *        responses, and the last one is the answer
     * @return the header's value in the final response, or null when it is absent
     */
    @NonCPS
    static String headerValue(String rawHeaders, String header) {
        List<String> lines = (rawHeaders ?: '').readLines()
        int lastStatusLine = lines.findLastIndexOf { it.startsWith('HTTP/') }
        List<String> finalResponse = lastStatusLine < 0 ? lines : lines.subList(lastStatusLine, lines.size())
        String prefix = "${header.toLowerCase()}:"
        String line = finalResponse.find { it.toLowerCase().startsWith(prefix) }
        return line == null ? null : line.substring(prefix.length()).trim()
    }

    /** @return null when the version matches, else what a person needs to read in the log */
    @NonCPS
    static String mismatch(String url, String rawHeaders, String header, String expectedVersion) {
        String actual = headerValue(rawHeaders, header)
        if (actual == expectedVersion) {
            return null
        }
        return actual == null ?
                "${url} answered without a ${header} header (expected ${expectedVersion})".toString() :
                "${url} answered ${header}: ${actual}, expected ${expectedVersion}".toString()
    }
}
