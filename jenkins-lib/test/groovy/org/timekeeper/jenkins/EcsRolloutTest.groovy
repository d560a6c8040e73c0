package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertNull
import static org.junit.Assert.assertTrue

import org.junit.Test

class EcsRolloutTest {

    private static final String OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-prod:6'
    private static final String NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-prod:7'

    @Test
    void readsThePrimaryDeploymentLineTheAwsCliPrints() {
        EcsRollout rollout = EcsRollout.parse("${NEW}\tIN_PROGRESS\tNone\n")

        assertEquals(NEW, rollout.taskDefinition)
        assertEquals('IN_PROGRESS', rollout.state)
        assertEquals('', rollout.reason)
        assertNull(rollout.failureOf(NEW))
        assertFalse(rollout.completedOn(NEW))
    }

    @Test
    void isDoneOnlyWhenThePrimaryDeploymentCompletedOnTheNewRevision() {
        assertTrue(EcsRollout.parse("${NEW}\tCOMPLETED\tECS deployment ecs-svc/1 completed.").completedOn(NEW))
        assertFalse(EcsRollout.parse("${OLD}\tCOMPLETED\tNone").completedOn(NEW))
    }

    @Test
    void aStableServiceBackOnTheOldRevisionIsARollbackNotASuccess() {
        EcsRollout rolledBack = EcsRollout.parse("${OLD}\tCOMPLETED\tNone")

        assertEquals(("the deployment circuit breaker rolled the service back: the PRIMARY deployment runs ${OLD} " +
                "(COMPLETED), not ${NEW}").toString(), rolledBack.failureOf(NEW))
    }

    @Test
    void aFailedRolloutIsAFailureWithItsReason() {
        EcsRollout failed = EcsRollout.parse("${NEW}\tFAILED\tECS deployment circuit breaker: tasks failed to start.")

        assertTrue(failed.failureOf(NEW).startsWith("the deployment of ${NEW} FAILED: ECS deployment circuit " +
                'breaker: tasks failed to start.'))
    }

    @Test
    void aServiceWithoutAPrimaryDeploymentIsAFailure() {
        EcsRollout none = EcsRollout.parse('')

        assertEquals('', none.taskDefinition)
        assertTrue(none.failureOf(NEW).contains('runs nothing (no state)'))
    }

    @Test
    void survivesACheckpoint() {
        EcsRollout copy = SerialisationRoundTrip.of(EcsRollout.parse("${NEW}\tIN_PROGRESS\tNone"))

        assertEquals("${NEW} IN_PROGRESS".toString(), copy.toString())
    }
}
