package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** The smokeTest step (the class name is the step's name plus Test). */
class SmokeTestTest extends PipelineTestBase {

    private static final String JOB = 'smokeTestTestJob.groovy'
    private static final String URL = 'https://greeter.staging.example.test'
    private static final String PATH = '/api/hello'

    @Before
    void stagingServesARelease() {
        shell.serveEnvironment('staging', URL)
        shell.fleetVersions.staging = '1.4.0-57-3f2a9c1'
    }

    @Test
    void passesWhenEveryResponseCarriesTheVersion() {
        givenStepSettings(url: URL, version: '1.4.0-57-3f2a9c1', path: PATH)

        runScript(JOB)

        assertEquals((1..5).collect { "curl -sS -f -o /dev/null -D - --max-time 10 ${URL}${PATH}".toString() },
                commands())
        assertEquals(["smokeTest: 5 responses from ${URL}${PATH} carry X-App-Version: 1.4.0-57-3f2a9c1".toString()],
                eventsOf('echo'))
    }

    @Test
    void failsAfterItsAttemptsWhenTheFleetServesAnotherVersion() {
        givenStepSettings(url: URL, path: PATH, version: '1.5.0-58-0a1b2c3', samples: 2)

        Throwable failure = runFailingJob(JOB)

        assertEquals(("smokeTest: ${URL}${PATH} answered X-App-Version: 1.4.0-57-3f2a9c1, " +
                'expected 1.5.0-58-0a1b2c3').toString(), failure.message)
        assertEquals('one request per attempt: the first wrong answer ends it', 3, commands().size())
        assertEquals(['10 SECONDS', '10 SECONDS'], eventsOf('sleep'))
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void aResponseWithoutTheHeaderFails() {
        shell.fleetVersions.remove('staging')
        givenStepSettings(url: URL, path: PATH, version: '1.4.0-57-3f2a9c1', attempts: 1)

        Throwable failure = runFailingJob(JOB)

        assertEquals(("smokeTest: ${URL}${PATH} answered without a X-App-Version header " +
                '(expected 1.4.0-57-3f2a9c1)').toString(), failure.message)
    }

    @Test
    void anUnreachableEnvironmentFails() {
        givenStepSettings(url: 'https://nowhere.example.test', path: PATH, version: '1.4.0-57-3f2a9c1', attempts: 2,
                retryDelaySeconds: 1)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.startsWith(
                "smokeTest: https://nowhere.example.test${PATH} did not answer successfully".toString()))
        assertEquals(['1 SECONDS'], eventsOf('sleep'))
    }

    @Test
    void requiresAnHttpUrl() {
        givenStepSettings(url: 'greeter.staging.example.test', path: PATH, version: '1.4.0-57-3f2a9c1')

        Throwable failure = runFailingJob(JOB)

        assertEquals("smokeTest: setting 'url' must be an http(s) URL, got 'greeter.staging.example.test'",
                failure.message)
        assertTrue(commands().isEmpty())
    }
}
