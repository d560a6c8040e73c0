package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

class PackageReleaseTest extends PipelineTestBase {

    private static final String JOB = 'packageReleaseTestJob.groovy'

    @Test
    void versionsABranchBuildFromThePomTheBuildNumberAndTheCommit() {
        givenStepSettings(service: 'greeter')

        runScript(JOB)

        assertEquals(['git rev-parse HEAD', 'mvn -B -ntp -DskipTests -Drevision=1.4.0-57-3f2a9c1 package'], commands())
        assertEquals(['target/greeter-1.4.0-57-3f2a9c1.jar'], eventsOf('archive'))
        assertTrue(events.contains('echo: released greeter 1.4.0-57-3f2a9c1 from target/greeter-1.4.0-57-3f2a9c1.jar'))
    }

    @Test
    void aReleaseTagIsTheVersion() {
        givenBuildOf(BRANCH_NAME: 'v2.0.1', TAG_NAME: 'v2.0.1')
        givenStepSettings(service: 'greeter', mavenModule: 'app', artifactId: 'greeter-app')

        runScript(JOB)

        assertEquals(['mvn -B -ntp -pl app -am -DskipTests -Drevision=2.0.1 package'], commands())
        assertTrue(events.contains('echo: released greeter 2.0.1 from app/target/greeter-app-2.0.1.jar'))
    }

    @Test
    void givenBaseVersionAndCommitNeitherPomNorGitIsAsked() {
        givenStepSettings(service: 'greeter', baseVersion: '3.1.0', commit: 'abcdef0123456789')
        workspaceFiles.remove('pom.xml')

        runScript(JOB)

        assertEquals(['mvn -B -ntp -DskipTests -Drevision=3.1.0-57-abcdef0 package'], commands())
    }

    @Test
    void aTagThatIsNoReleaseFailsBeforeBuilding() {
        givenBuildOf(BRANCH_NAME: 'nightly', TAG_NAME: 'nightly')
        givenStepSettings(service: 'greeter')

        Throwable failure = runFailingJob(JOB)

        assertEquals("tag 'nightly' is not a release tag (expected v<major>.<minor>.<patch>)", failure.message)
        assertTrue(commands().isEmpty())
    }

    @Test
    void failsWhenTheBuildLeavesNoJarWhereExpected() {
        givenStepSettings(service: 'greeter')
        missingFiles << 'target/greeter-1.4.0-57-3f2a9c1.jar'

        Throwable failure = runFailingJob(JOB)

        assertEquals('packageRelease: the build did not produce target/greeter-1.4.0-57-3f2a9c1.jar', failure.message)
        assertTrue(eventsOf('archive').isEmpty())
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void requiresTheServiceName() {
        givenStepSettings([:])

        Throwable failure = runFailingJob(JOB)

        assertEquals("packageRelease: missing required setting 'service'", failure.message)
    }
}
