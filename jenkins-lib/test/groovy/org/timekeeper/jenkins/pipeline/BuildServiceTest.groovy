package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

class BuildServiceTest extends PipelineTestBase {

    private static final String JOB = 'buildServiceTestJob.groovy'

    @Test
    void buildsThenTestsTheWholeProjectByDefault() {
        givenStepSettings([:])

        runScript(JOB)

        assertEquals(['mvn -B -ntp -DskipTests package', 'mvn -B -ntp verify'], commands())
        assertEquals(['Build', 'Test'], eventsOf('stage'))
        assertEquals(['**/target/surefire-reports/*.xml'], eventsOf('junit'))
    }

    @Test
    void buildsTheModuleWithWhatItNeedsAndRunsTheRepositorysTestCommand() {
        givenStepSettings(mavenModule: 'service', testCommand: 'make test')

        runScript(JOB)

        assertEquals(['mvn -B -ntp -pl service -am -DskipTests package', 'make test'], commands())
    }

    @Test
    void publishesTestReportsWhenTestsFail() {
        givenStepSettings([:])
        shell.failWhen(/verify/, 1)

        Throwable failure = runFailingJob(JOB)

        assertEquals('script returned exit code 1', failure.message)
        assertEquals(['**/target/surefire-reports/*.xml'], eventsOf('junit'))
    }

    @Test
    void rejectsAnUnknownSetting() {
        givenStepSettings(module: 'service')

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.startsWith("buildService: unknown setting 'module'"))
        assertTrue(commands().isEmpty())
    }
}
