package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

class RequestApprovalTest extends PipelineTestBase {

    private static final String JOB = 'requestApprovalTestJob.groovy'

    @Test
    void asksWhoMayApproveWithinTheTimeout() {
        givenStepSettings(environment: 'prod', release: 'greeter 1.4.0-57-3f2a9c1', approvers: 'release-managers',
                timeoutMinutes: 30)

        runScript(JOB)

        assertEquals(['timeout: 30 MINUTES',
                      'input: Deploy greeter 1.4.0-57-3f2a9c1 to prod? (submitter: release-managers)',
                      'echo: requestApproval: greeter 1.4.0-57-3f2a9c1 approved for prod'], events)
    }

    @Test
    void anyoneAllowedToBuildMayApproveByDefault() {
        givenStepSettings(environment: 'prod', release: 'greeter 1.4.0')

        runScript(JOB)

        assertEquals(['60 MINUTES'], eventsOf('timeout'))
        assertEquals(['Deploy greeter 1.4.0 to prod? (submitter: null)'], eventsOf('input'))
    }

    @Test
    void aRefusalAbortsTheBuild() {
        givenStepSettings(environment: 'prod', release: 'greeter 1.4.0')
        approvalAnswer = 'refuse'

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof FlowInterruptedException)
        assertEquals('ABORTED', buildResult())
        assertTrue(eventsOf('echo')[0].startsWith('requestApproval: greeter 1.4.0 was not approved for prod within 60 minutes'))
    }

    @Test
    void theTimeoutMustBePositive() {
        givenStepSettings(environment: 'prod', release: 'greeter 1.4.0', timeoutMinutes: -5)

        Throwable failure = runFailingJob(JOB)

        assertEquals("requestApproval: setting 'timeoutMinutes' must be a whole number of at least 1, got '-5'",
                failure.message)
        assertTrue(eventsOf('input').isEmpty())
    }
}
