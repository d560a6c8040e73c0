import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.Release
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Publishes a packaged release to an artifact bucket, as
 * s3://<bucket>/<service>/<version>/<service>-<version>.jar and its .sha256 checksum:
 * uploaded from the workspace, or (promotion) copied from the bucket of the environment
 * before, so every environment installs the very bytes built once. With 'environment' it
 * records the version in /<service>/<environment>/release, the SSM parameter instances
 * install from when they are launched. With 'ansibleBundle' the repository's ansible/
 * folder travels with the release as s3://<bucket>/<service>/ansible/<version>.tar.gz,
 * for instances that bootstrap themselves with the playbooks of the release they install.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The Release packageRelease returned.
            release: null,
            // The bucket to publish to. Needed unless 'artifacts' is false.
            artifactBucket: '',
            // Put the jar and checksum in 'artifactBucket'. false when only recording a release.
            artifacts: true,
            // Publish the repository's ansible/ folder (without tests) with the release.
            ansibleBundle: false,
            // Copy the artifacts from this bucket (where they were published before) instead of
            // uploading them from the workspace. '' uploads.
            fromBucket: '',
            // Record the version as this environment's release in SSM. '' records nothing.
            environment: '',
            // The AWS region of the buckets and parameters. '' is the agent's default.
            awsRegion: '',
    ]
    Map config = Settings.merge('publishRelease', defaultConfig, settings)
    if (!(config.release instanceof Release)) {
        error("publishRelease: setting 'release' must be the Release packageRelease returned, got '${config.release}'")
    }
    Release release = config.release

    if (config.artifacts) {
        String bucket = Settings.matching('publishRelease', 'artifactBucket', config.artifactBucket,
                Release.BUCKET_PATTERN, 'an S3 bucket name')
        if (config.fromBucket) {
            String fromBucket = Settings.matching('publishRelease', 'fromBucket', config.fromBucket,
                    Release.BUCKET_PATTERN, 'an S3 bucket name')
            sh ShellCommands.s3Copy(release.artifactUri(fromBucket), release.artifactUri(bucket), config.awsRegion)
            sh ShellCommands.s3Copy(release.checksumUri(fromBucket), release.checksumUri(bucket), config.awsRegion)
            if (config.ansibleBundle) {
                sh ShellCommands.s3Copy(release.bundleUri(fromBucket), release.bundleUri(bucket), config.awsRegion)
            }
            echo "publishRelease: ${release} promoted from ${fromBucket} to ${bucket}"
        } else {
            sh ShellCommands.checksum(release)
            sh ShellCommands.s3Copy(release.jar, release.artifactUri(bucket), config.awsRegion)
            sh ShellCommands.s3Copy(release.checksumFile, release.checksumUri(bucket), config.awsRegion)
            if (config.ansibleBundle) {
                sh ShellCommands.ansibleBundle(release)
                sh ShellCommands.s3Copy(release.bundleFile, release.bundleUri(bucket), config.awsRegion)
            }
            echo "publishRelease: ${release} uploaded to ${release.artifactUri(bucket)}"
        }
    }
    if (config.environment) {
        String environment = Settings.matching('publishRelease', 'environment', config.environment,
                Environment.NAME_PATTERN, 'an environment name')
        String parameter = Environment.named(environment).releaseParameter(release.service)
        sh ShellCommands.recordRelease(parameter, release.version, config.awsRegion)
        echo "publishRelease: ${parameter} = ${release.version}"
    }
}
