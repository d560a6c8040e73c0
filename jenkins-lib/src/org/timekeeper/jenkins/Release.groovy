package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * One packaged release: built once, then published and promoted as it is. Everything
 * downstream (S3 key, SSM value, playbook variable, expected X-App-Version) derives
 * from these values, so no stage can pick up a different artifact. The digests are those
 * of the files this build produced (known once they are published): the release record
 * carries them to the nodes, which check what they download against them, so a changed
 * object in a bucket cannot change what a node runs.
 */
class Release implements Serializable {

    private static final long serialVersionUID = 1L

    /** A service name becomes an S3 prefix, an SSM path segment, a lock name and a file name. */
    static final String SERVICE_PATTERN = /[a-z][a-z0-9-]{0,62}/
    static final String BUCKET_PATTERN = /[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/
    static final String SHA256_PATTERN = /[0-9a-f]{64}/

    final String service
    final String version
    /** The jar in the workspace, relative to its root. */
    final String jar
    /** The jar's sha256 (hex); '' until the release is published. */
    final String sha256
    /** The Ansible bundle's sha256 (hex); '' when the release ships no bundle. */
    final String bundleSha256

    Release(String service, String version, String jar, String sha256 = '', String bundleSha256 = '') {
        this.service = service
        this.version = version
        this.jar = jar
        this.sha256 = sha256
        this.bundleSha256 = bundleSha256
    }

    /** The same release, with the digests of its published files. */
    @NonCPS
    Release withDigests(String jarSha256, String bundleSha256) {
        return new Release(service, version, jar, jarSha256, bundleSha256)
    }

    /**
     * The hex digest in a {@code sha256sum} line naming {@code fileName}, or null when the
     * text is anything else.
     */
    @NonCPS
    static String digestIn(String checksumLine, String fileName) {
        List<String> fields = (checksumLine ?: '').trim().split('  ', 2) as List<String>
        if (fields.size() == 2 && fields[0] ==~ SHA256_PATTERN && fields[1] == fileName) {
            return fields[0]
        }
        return null
    }

    /** Where Maven leaves the jar of {@code artifactId}: {@code [<module>/]target/<artifactId>-<version>.jar} */
    @NonCPS
    static String jarPath(String mavenModule, String artifactId, String version) {
        String moduleDirectory = mavenModule ? "${mavenModule.replaceAll('/+$', '')}/" : ''
        return "${moduleDirectory}target/${artifactId}-${version}.jar".toString()
    }

    /** The file name the artifact is published under, whatever the build called it. */
    @NonCPS
    String getArtifactName() {
        return "${service}-${version}.jar".toString()
    }

    /**
     * The Ansible bundle built with the release (the repository's ansible/ folder), beside
     * the jar. Instances launched later bootstrap with the bundle of the release they install.
     */
    @NonCPS
    String getBundleFile() {
        int slash = jar.lastIndexOf('/')
        String directory = slash < 0 ? '' : jar.substring(0, slash + 1)
        return "${directory}${service}-ansible-${version}.tar.gz".toString()
    }

    /** The file name the bundle is published under. */
    @NonCPS
    String getBundleName() {
        return "${version}.tar.gz".toString()
    }

    /** {@code s3://<bucket>/<service>/ansible/<version>.tar.gz}, where instance user data looks for it. */
    @NonCPS
    String bundleUri(String bucket) {
        return "s3://${bucket}/${service}/ansible/${bundleName}".toString()
    }

    @NonCPS
    String getBundleChecksumFile() {
        return "${bundleFile}.sha256".toString()
    }

    @NonCPS
    String bundleChecksumUri(String bucket) {
        return "${bundleUri(bucket)}.sha256".toString()
    }

    @NonCPS
    String getChecksumFile() {
        return "${jar}.sha256".toString()
    }

    /** {@code s3://<bucket>/<service>/<version>/<service>-<version>.jar} */
    @NonCPS
    String artifactUri(String bucket) {
        return "s3://${bucket}/${service}/${version}/${artifactName}".toString()
    }

    @NonCPS
    String checksumUri(String bucket) {
        return "${artifactUri(bucket)}.sha256".toString()
    }

    @NonCPS
    @Override
    String toString() {
        return "${service} ${version}".toString()
    }
}
