import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.Release
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Publishes a packaged release: uploads the jar and its SHA-256 checksum to
 * s3://<bucket>/<service>/<version>/, and records the version in an environment's SSM
 * parameter /<service>/<environment>/release, which instances launched later install.
 * Promotion records the same, already uploaded, release for the next environment.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The Release packageRelease returned.
            release: null,
            // The S3 bucket that holds every service's release artifacts.
            artifactBucket: null,
            // Upload the jar and checksum. false when promoting a release that is already uploaded.
            upload: true,
            // Record the version as this environment's release. '' records nothing.
            environment: '',
            // The AWS region of the bucket and parameters. '' is the agent's default.
            awsRegion: '',
    ]
    Map config = Settings.merge('publishRelease', defaultConfig, settings)
    if (!(config.release instanceof Release)) {
        error("publishRelease: setting 'release' must be the Release packageRelease returned, got '${config.release}'")
    }
    Release release = config.release
    String bucket = Settings.matching('publishRelease', 'artifactBucket', config.artifactBucket,
            Release.BUCKET_PATTERN, 'an S3 bucket name')

    if (config.upload) {
        sh ShellCommands.checksum(release)
        sh ShellCommands.upload(release.jar, release.artifactUri(bucket), config.awsRegion)
        sh ShellCommands.upload(release.checksumFile, release.checksumUri(bucket), config.awsRegion)
        echo "publishRelease: ${release} uploaded to ${release.artifactUri(bucket)}"
    }
    if (config.environment) {
        String environment = Settings.matching('publishRelease', 'environment', config.environment,
                Environment.NAME_PATTERN, 'an environment name')
        String parameter = new Environment(environment, '', false).releaseParameter(release.service)
        sh ShellCommands.recordRelease(parameter, release.version, config.awsRegion)
        echo "publishRelease: ${parameter} = ${release.version}"
    }
}
