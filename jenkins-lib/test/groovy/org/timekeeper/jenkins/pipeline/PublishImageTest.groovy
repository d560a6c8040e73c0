package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

class PublishImageTest extends PipelineTestBase {

    private static final String JOB = 'publishImageTestJob.groovy'
    private static final String REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-dev'

    @Before
    void scriptTheEcsStack() {
        shell.stackOutputs['greeter-dev-ecs.RepositoryUri'] = REPOSITORY
    }

    @Test
    void buildsTheImageAndPushesItToTheEnvironmentsRepositoryTaggedWithTheVersion() {
        givenStepSettings(service: 'greeter', environment: 'dev', version: '1.4.0-57-3f2a9c1', awsRegion: 'eu-west-1')

        Object image = runScript(JOB)

        assertEquals([
                'aws cloudformation describe-stacks --stack-name greeter-dev-ecs ' +
                        '--query "Stacks[0].Outputs[?OutputKey==\'RepositoryUri\'].OutputValue" --output text --region eu-west-1',
                'make image RELEASE_VERSION=1.4.0-57-3f2a9c1',
                "make push IMAGE_REPOSITORY=${REPOSITORY} RELEASE_VERSION=1.4.0-57-3f2a9c1".toString(),
        ], commands())
        assertEquals("${REPOSITORY}:1.4.0-57-3f2a9c1".toString(), image)
    }

    @Test
    void aFailedPushFailsTheBuild() {
        givenStepSettings(service: 'greeter', environment: 'dev', version: '1.4.0')
        shell.failWhen(/^make push /, 2)

        Throwable failure = runFailingJob(JOB)

        assertEquals('script returned exit code 2', failure.message)
        assertTrue(eventsOf('echo').isEmpty())
    }

    @Test
    void aStackWithoutTheRepositoryFailsBeforeBuilding() {
        givenStepSettings(service: 'greeter', environment: 'staging', version: '1.4.0')

        Throwable failure = runFailingJob(JOB)

        assertEquals('publishImage: stack greeter-staging-ecs has no output RepositoryUri', failure.message)
        assertEquals(1, commands().size())
    }

    @Test
    void settingsThatWouldReachTheShellWrongAreRejectedByKey() {
        Map<Map, String> badSettings = [
                ([environment: 'dev', version: '1.4.0'])                   : "missing required setting 'service'",
                ([service: 'greeter', environment: 'dev', version: 'latest']): "setting 'version' must be a release version",
                ([service: 'greeter', environment: 'Dev', version: '1.4.0']) :
                        "setting 'environment' must be an environment name",
        ]
        badSettings.each { Map settings, String expected ->
            setUpPipeline()
            givenStepSettings(settings)

            Throwable failure = runFailingJob(JOB)

            assertTrue("${settings}: ${failure.message}".toString(),
                    failure.message.startsWith('publishImage: ') && failure.message.contains(expected))
            assertTrue(commands().isEmpty())
        }
    }
}
