package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * One packaged release: built once, then published and promoted as it is. Everything
 * downstream (S3 key, SSM value, playbook variable, expected X-App-Version) derives
 * from these three values, so no stage can pick up a different artifact.
 */
class Release implements Serializable {

    private static final long serialVersionUID = 1L

    /** A service name becomes an S3 prefix, an SSM path segment, a lock name and a file name. */
    static final String SERVICE_PATTERN = /[a-z][a-z0-9-]{0,62}/
    static final String BUCKET_PATTERN = /[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/

    final String service
    final String version
    /** The jar in the workspace, relative to its root. */
    final String jar

    Release(String service, String version, String jar) {
        this.service = service
        this.version = version
        this.jar = jar
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

    /** {@code s3://<bucket>/<service>/ansible/<version>.tar.gz}, where instance user data looks for it. */
    @NonCPS
    String bundleUri(String bucket) {
        return "s3://${bucket}/${service}/ansible/${version}.tar.gz".toString()
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
