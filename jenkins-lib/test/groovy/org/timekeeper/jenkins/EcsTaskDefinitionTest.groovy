package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue
import static org.junit.Assert.fail

import org.junit.Test

class EcsTaskDefinitionTest {

    private static final String IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-prod:1.4.0'
    private static final Map DESCRIBED = [
            taskDefinitionArn   : 'arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-prod:6',
            family              : 'greeter-prod',
            containerDefinitions: [[name: 'greeter', image: 'old:1'], [name: 'sidecar', image: 'sidecar:2']],
            revision            : 6,
            status              : 'ACTIVE',
            cpu                 : '512',
            registeredAt        : '2026-12-01T10:00:00Z',
    ]

    @Test
    void swapsOnlyTheNamedContainersImageAndDropsTheReadOnlyFields() {
        Map registrable = EcsTaskDefinition.withImage('deploy', DESCRIBED, 'greeter', IMAGE)

        assertEquals([family: 'greeter-prod', containerDefinitions: [[name: 'greeter', image: IMAGE],
                                                                     [name: 'sidecar', image: 'sidecar:2']], cpu: '512'],
                registrable)
        assertEquals('old:1', DESCRIBED.containerDefinitions[0].image)
    }

    @Test
    void withoutAContainerNameTheOnlyContainerIsMeantAndTwoAreAnError() {
        Map single = DESCRIBED + [containerDefinitions: [[name: 'greeter', image: 'old:1']]]

        assertEquals(IMAGE, EcsTaskDefinition.withImage('deploy', single, '', IMAGE).containerDefinitions[0].image)
        try {
            EcsTaskDefinition.withImage('deploy', DESCRIBED, '', IMAGE)
            fail('accepted')
        } catch (IllegalArgumentException expected) {
            assertEquals("deploy: setting 'container' must name one of the task definition's containers " +
                    "[greeter, sidecar], got ''", expected.message)
        }
    }

    @Test
    void imageReferencesAreRepositoryAndTagOrDigest() {
        assertTrue(IMAGE ==~ EcsTaskDefinition.IMAGE_PATTERN)
        assertTrue("${IMAGE.replace(':1.4.0', '')}@sha256:${'a' * 64}" ==~ EcsTaskDefinition.IMAGE_PATTERN)
        assertFalse('greeter:1.4.0' ==~ EcsTaskDefinition.IMAGE_PATTERN)
        assertFalse("${IMAGE} ; true" ==~ EcsTaskDefinition.IMAGE_PATTERN)
    }
}
