package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** Publishes greeter 1.4.0-57-3f2a9c1, as packageRelease left it in target/. */
class PublishReleaseTest extends PipelineTestBase {

    private static final String JOB = 'publishReleaseTestJob.groovy'
    private static final String VERSION = '1.4.0-57-3f2a9c1'
    private static final String JAR = "target/greeter-${VERSION}.jar"
    private static final String KEY = "greeter/${VERSION}/greeter-${VERSION}.jar"
    private static final String BUNDLE = "target/greeter-ansible-${VERSION}.tar.gz"
    private static final String BUNDLE_KEY = "greeter/ansible/${VERSION}.tar.gz"
    private static final String JAR_BYTES = 'the jar greeter 1.4.0-57-3f2a9c1 as built'

    @Before
    void theBuildLeftTheJar() {
        workspaceFiles[JAR] = JAR_BYTES
    }

    @Test
    void uploadsTheJarAndItsChecksumAndReturnsTheJarsDigest() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts')

        runScript(JOB)

        assertEquals([
                "sha256sum < ${JAR} | sed 's/ .*\$/  greeter-${VERSION}.jar/' > ${JAR}.sha256",
                "aws s3 cp ${JAR} s3://greeter-dev-artifacts/${KEY}",
                "aws s3 cp ${JAR}.sha256 s3://greeter-dev-artifacts/${KEY}.sha256",
        ]*.toString(), commands())
        assertEquals("${sha256(JAR_BYTES)}  greeter-${VERSION}.jar\n".toString(), workspaceFiles["${JAR}.sha256"])
        assertEquals("published greeter ${VERSION} sha256 '${sha256(JAR_BYTES)}' bundle sha256 ''".toString(),
                eventsOf('echo').last())
    }

    @Test
    void promotesByCopyingFromTheBucketBeforeAndKeepsTheDigestsOfTheBuild() {
        givenStepSettings(artifactBucket: 'greeter-prod-artifacts', fromBucket: 'greeter-staging-artifacts',
                awsRegion: 'eu-west-1', givenSha256: 'a' * 64)

        runScript(JOB)

        assertEquals([
                "aws s3 cp s3://greeter-staging-artifacts/${KEY} s3://greeter-prod-artifacts/${KEY} --region eu-west-1",
                "aws s3 cp s3://greeter-staging-artifacts/${KEY}.sha256 s3://greeter-prod-artifacts/${KEY}.sha256 " +
                        '--region eu-west-1',
        ]*.toString(), commands())
        assertEquals("published greeter ${VERSION} sha256 '${'a' * 64}' bundle sha256 ''".toString(),
                eventsOf('echo').last())
    }

    @Test
    void bundlesTheAnsibleFolderWithItsChecksumAndPromotesBoth() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts', ansibleBundle: true)

        runScript(JOB)

        assertEquals(["tar -czf ${BUNDLE} --exclude=ansible/tests ansible service.yml",
                      "sha256sum < ${BUNDLE} | sed 's/ .*\$/  ${VERSION}.tar.gz/' > ${BUNDLE}.sha256",
                      "aws s3 cp ${BUNDLE} s3://greeter-dev-artifacts/${BUNDLE_KEY}",
                      "aws s3 cp ${BUNDLE}.sha256 s3://greeter-dev-artifacts/${BUNDLE_KEY}.sha256"]*.toString(),
                commands().drop(3))
        String bundleSha256 = sha256(workspaceFiles[BUNDLE])
        assertEquals("published greeter ${VERSION} sha256 '${sha256(JAR_BYTES)}' bundle sha256 '${bundleSha256}'".toString(),
                eventsOf('echo').last())

        setUpPipeline()
        givenStepSettings(artifactBucket: 'greeter-prod-artifacts', fromBucket: 'greeter-staging-artifacts',
                ansibleBundle: true, givenSha256: 'a' * 64, givenBundleSha256: 'b' * 64)

        runScript(JOB)

        assertEquals(["aws s3 cp s3://greeter-staging-artifacts/${BUNDLE_KEY} s3://greeter-prod-artifacts/${BUNDLE_KEY}",
                      "aws s3 cp s3://greeter-staging-artifacts/${BUNDLE_KEY}.sha256 " +
                              "s3://greeter-prod-artifacts/${BUNDLE_KEY}.sha256"]*.toString(), commands().drop(2))
        assertEquals("published greeter ${VERSION} sha256 '${'a' * 64}' bundle sha256 '${'b' * 64}'".toString(),
                eventsOf('echo').last())
    }

    @Test
    void aChecksumThatIsNoSha256LineFailsBeforeAnythingIsUploaded() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts')
        workspaceFiles.remove(JAR)  // sha256sum < a missing file: sh leaves an empty checksum file

        Throwable failure = runFailingJob(JOB)

        assertEquals("publishRelease: ${JAR}.sha256 is no sha256 line for greeter-${VERSION}.jar".toString(),
                failure.message)
        assertFalse(commands().any { it.startsWith('aws ') })
    }

    @Test
    void recordsNoReleaseAnyMore() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts', environment: 'staging')

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.startsWith("publishRelease: unknown setting 'environment'"))
        assertTrue(commands().isEmpty())
    }

    @Test
    void aBucketThatIsNoBucketNameIsRejectedByKey() {
        givenStepSettings(artifactBucket: 's3://greeter-dev-artifacts/')

        Throwable failure = runFailingJob(JOB)

        assertEquals("publishRelease: setting 'artifactBucket' must be an S3 bucket name, " +
                "got 's3://greeter-dev-artifacts/'", failure.message)
        assertTrue(commands().isEmpty())
    }

    @Test
    void aFailedUploadFailsTheStepBeforeTheChecksumIsUploaded() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts')
        shell.failWhen(/aws s3 cp target\/greeter-1.4.0-57-3f2a9c1.jar /, 1)

        runFailingJob(JOB)

        assertEquals(2, commands().size())
    }

    @Test
    void settingsMustBeOfTheRightKind() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts', ansibleBundle: 'yes')

        Throwable failure = runFailingJob(JOB)

        assertEquals("publishRelease: setting 'ansibleBundle' must be true or false, got text 'yes'", failure.message)
    }

    @Test
    void theReleaseMustBeWhatPackageReleaseReturned() {
        givenStepSettings(release: 'greeter 1.4.0', artifactBucket: 'greeter-dev-artifacts')

        Throwable failure = runFailingJob(JOB)

        assertEquals("publishRelease: setting 'release' must be the Release packageRelease returned, " +
                "got 'greeter 1.4.0'", failure.message)
        assertTrue(commands().isEmpty())
    }
}
