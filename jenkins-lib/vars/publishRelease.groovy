import org.timekeeper.jenkins.Release
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Publishes a packaged release to an artifact bucket, as
 * s3://<bucket>/<service>/<version>/<service>-<version>.jar and its .sha256 checksum:
 * uploaded from the workspace, or (promotion) copied from the bucket of the environment
 * before, so every environment installs the very bytes built once. With 'ansibleBundle'
 * the repository's ansible/ folder travels with the release as
 * s3://<bucket>/<service>/ansible/<version>.tar.gz and its .sha256, for instances that
 * bootstrap themselves with the playbooks of the release they install.
 *
 * Returns the Release with the digests of the files uploaded from this workspace (the
 * release as given when promoting): the deploys pass them on to the release record, so
 * the nodes check what they download against what this build made, never against a
 * checksum read back from a bucket.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The Release packageRelease returned (or, promoting, the one this step returned).
            release: null,
            // The bucket to publish to.
            artifactBucket: null,
            // Publish the repository's ansible/ folder (without tests) with the release.
            ansibleBundle: false,
            // Copy the artifacts from this bucket (where they were published before) instead of
            // uploading them from the workspace. '' uploads.
            fromBucket: '',
            // The AWS region of the buckets. '' is the agent's default.
            awsRegion: '',
    ]
    Map config = Settings.merge('publishRelease', defaultConfig, settings)
    if (!(config.release instanceof Release)) {
        error("publishRelease: setting 'release' must be the Release packageRelease returned, got '${config.release}'")
    }
    Release release = config.release
    String bucket = Settings.matching('publishRelease', 'artifactBucket', config.artifactBucket,
            Release.BUCKET_PATTERN, 'an S3 bucket name')

    if (config.fromBucket) {
        String fromBucket = Settings.matching('publishRelease', 'fromBucket', config.fromBucket,
                Release.BUCKET_PATTERN, 'an S3 bucket name')
        sh ShellCommands.s3Copy(release.artifactUri(fromBucket), release.artifactUri(bucket), config.awsRegion)
        sh ShellCommands.s3Copy(release.checksumUri(fromBucket), release.checksumUri(bucket), config.awsRegion)
        if (config.ansibleBundle) {
            sh ShellCommands.s3Copy(release.bundleUri(fromBucket), release.bundleUri(bucket), config.awsRegion)
            sh ShellCommands.s3Copy(release.bundleChecksumUri(fromBucket), release.bundleChecksumUri(bucket),
                    config.awsRegion)
        }
        echo "publishRelease: ${release} promoted from ${fromBucket} to ${bucket}"
        return release
    }

    String jarSha256 = digestOf(release.jar, release.artifactName, release.checksumFile)
    sh ShellCommands.s3Copy(release.jar, release.artifactUri(bucket), config.awsRegion)
    sh ShellCommands.s3Copy(release.checksumFile, release.checksumUri(bucket), config.awsRegion)
    String bundleSha256 = ''
    if (config.ansibleBundle) {
        sh ShellCommands.ansibleBundle(release)
        bundleSha256 = digestOf(release.bundleFile, release.bundleName, release.bundleChecksumFile)
        sh ShellCommands.s3Copy(release.bundleFile, release.bundleUri(bucket), config.awsRegion)
        sh ShellCommands.s3Copy(release.bundleChecksumFile, release.bundleChecksumUri(bucket), config.awsRegion)
    }
    echo "publishRelease: ${release} uploaded to ${release.artifactUri(bucket)} (sha256 ${jarSha256})"
    return release.withDigests(jarSha256, bundleSha256)
}

/** Writes the file's .sha256 (as published) in the workspace and returns its digest. */
private String digestOf(String file, String publishedName, String checksumFile) {
    sh ShellCommands.checksum(file, publishedName, checksumFile)
    String digest = Release.digestIn(readFile(checksumFile), publishedName)
    if (digest == null) {
        error("publishRelease: ${checksumFile} is no sha256 line for ${publishedName}")
    }
    return digest
}
