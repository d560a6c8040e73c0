package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

/** Publishes greeter 1.4.0-57-3f2a9c1, as packageRelease left it in target/. */
class PublishReleaseTest extends PipelineTestBase {

    private static final String JOB = 'publishReleaseTestJob.groovy'
    private static final String KEY = 'greeter/1.4.0-57-3f2a9c1/greeter-1.4.0-57-3f2a9c1.jar'

    @Test
    void uploadsTheJarAndItsChecksum() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts')

        runScript(JOB)

        assertEquals([
                "sha256sum < target/greeter-1.4.0-57-3f2a9c1.jar | sed 's/ .*\$/  greeter-1.4.0-57-3f2a9c1.jar/' " +
                        '> target/greeter-1.4.0-57-3f2a9c1.jar.sha256',
                "aws s3 cp target/greeter-1.4.0-57-3f2a9c1.jar s3://greeter-dev-artifacts/${KEY}",
                "aws s3 cp target/greeter-1.4.0-57-3f2a9c1.jar.sha256 s3://greeter-dev-artifacts/${KEY}.sha256",
        ]*.toString(), commands())
    }

    @Test
    void promotesByCopyingFromTheBucketBeforeAndRecordsTheEnvironmentsRelease() {
        givenStepSettings(artifactBucket: 'greeter-prod-artifacts', fromBucket: 'greeter-staging-artifacts',
                environment: 'prod', awsRegion: 'eu-west-1')

        runScript(JOB)

        assertEquals([
                "aws s3 cp s3://greeter-staging-artifacts/${KEY} s3://greeter-prod-artifacts/${KEY} --region eu-west-1",
                "aws s3 cp s3://greeter-staging-artifacts/${KEY}.sha256 s3://greeter-prod-artifacts/${KEY}.sha256 " +
                        '--region eu-west-1',
                'aws ssm put-parameter --name /greeter/prod/release --value 1.4.0-57-3f2a9c1 --type String ' +
                        '--overwrite --region eu-west-1',
        ]*.toString(), commands())
    }

    @Test
    void bundlesTheAnsibleFolderWithTheReleaseAndPromotesItToo() {
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts', ansibleBundle: true)

        runScript(JOB)

        assertEquals(['tar -czf target/greeter-ansible-1.4.0-57-3f2a9c1.tar.gz --exclude=ansible/tests ansible',
                      'aws s3 cp target/greeter-ansible-1.4.0-57-3f2a9c1.tar.gz ' +
                              's3://greeter-dev-artifacts/greeter/ansible/1.4.0-57-3f2a9c1.tar.gz'], commands().drop(3))

        setUpPipeline()
        givenStepSettings(artifactBucket: 'greeter-prod-artifacts', fromBucket: 'greeter-staging-artifacts',
                ansibleBundle: true)

        runScript(JOB)

        assertEquals('aws s3 cp s3://greeter-staging-artifacts/greeter/ansible/1.4.0-57-3f2a9c1.tar.gz ' +
                's3://greeter-prod-artifacts/greeter/ansible/1.4.0-57-3f2a9c1.tar.gz', commands().last())
    }

    @Test
    void recordsOnlyWhenAskedForNoArtifacts() {
        givenStepSettings(artifacts: false, environment: 'staging')

        runScript(JOB)

        assertEquals(['aws ssm put-parameter --name /greeter/staging/release --value 1.4.0-57-3f2a9c1 ' +
                              '--type String --overwrite'], commands())
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
        givenStepSettings(artifactBucket: 'greeter-dev-artifacts', artifacts: 'yes')

        Throwable failure = runFailingJob(JOB)

        assertEquals("publishRelease: setting 'artifacts' must be true or false, got text 'yes'", failure.message)
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
