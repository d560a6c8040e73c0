package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

import groovy.json.JsonSlurperClassic

/** ECS answers are scripted in the fake shell: the rollout as describe-services shows it, look after look. */
class DeployEcsServiceTest extends PipelineTestBase {

    private static final String JOB = 'deployEcsServiceTestJob.groovy'
    private static final String CLUSTER = 'greeter-staging'
    private static final String SERVICE = 'greeter-staging-service'
    private static final String IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-staging:1.4.0-57-3f2a9c1'
    private static final String OLD_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-staging:1.3.0'
    private static final String OLD_REVISION = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-staging:6'
    private static final String NEW_REVISION = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-staging:7'
    /** The current revision as describe-task-definition prints it, read-only fields included. */
    private static final String DESCRIBED = """{
  "taskDefinitionArn": "${OLD_REVISION}",
  "family": "greeter-staging",
  "executionRoleArn": "arn:aws:iam::123456789012:role/greeter-staging-execution",
  "networkMode": "awsvpc",
  "containerDefinitions": [{"name": "greeter", "image": "${OLD_IMAGE}", "essential": true,
                            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}], "stopTimeout": 60}],
  "revision": 6,
  "status": "ACTIVE",
  "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"}],
  "compatibilities": ["EC2", "FARGATE"],
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512",
  "memory": "1024",
  "registeredAt": "2026-12-01T10:00:00.000000+00:00",
  "registeredBy": "arn:aws:sts::123456789012:assumed-role/jenkins/agent"
}"""
    private static final String PRIMARY_DEPLOYMENT = 'aws ecs describe-services --cluster greeter-staging ' +
            '--services greeter-staging-service --query "services[0].deployments[?status==\'PRIMARY\']' +
            '.[taskDefinition,rolloutState,rolloutStateReason]" --output text'

    @Before
    void scriptTheEcsStackAndService() {
        shell.stackOutputs['greeter-staging-ecs.ClusterName'] = CLUSTER
        shell.stackOutputs['greeter-staging-ecs.EcsServiceName'] = SERVICE
        shell.answer(/^aws ecs describe-services .* --query 'services\[0\]\.taskDefinition'/, "${OLD_REVISION}\n")
        shell.answer(/^aws ecs describe-task-definition /, DESCRIBED)
        shell.answer(/^aws ecs register-task-definition /, "${NEW_REVISION}\n")
        shell.answer(/^aws ecs update-service /, "${SERVICE}\n")
        givenStepSettings(service: 'greeter', environment: 'staging', image: IMAGE)
    }

    private void givenRollout(String... primaryDeployments) {
        shell.answer(/^aws ecs describe-services .*PRIMARY/, primaryDeployments)
    }

    @Test
    void registersTheServicesTaskDefinitionWithTheNewImageAndWaitsForTheRolloutToComplete() {
        givenRollout("${NEW_REVISION}\tIN_PROGRESS\tNone\n", "${NEW_REVISION}\tIN_PROGRESS\tNone\n",
                "${NEW_REVISION}\tCOMPLETED\tECS deployment ecs-svc/1234 completed.\n")

        Object revision = runScript(JOB)

        assertEquals([
                "aws cloudformation describe-stacks --stack-name greeter-staging-ecs " +
                        "--query \"Stacks[0].Outputs[?OutputKey=='ClusterName'].OutputValue\" --output text",
                "aws cloudformation describe-stacks --stack-name greeter-staging-ecs " +
                        "--query \"Stacks[0].Outputs[?OutputKey=='EcsServiceName'].OutputValue\" --output text",
                "aws ecs describe-services --cluster ${CLUSTER} --services ${SERVICE} " +
                        "--query 'services[0].taskDefinition' --output text",
                "aws ecs describe-task-definition --task-definition ${OLD_REVISION} --query taskDefinition --output json",
                'aws ecs register-task-definition --cli-input-json file://ecs-task-definition.json ' +
                        '--query taskDefinition.taskDefinitionArn --output text',
                "aws ecs update-service --cluster ${CLUSTER} --service ${SERVICE} --task-definition ${NEW_REVISION} " +
                        '--query service.serviceName --output text',
                PRIMARY_DEPLOYMENT, PRIMARY_DEPLOYMENT, PRIMARY_DEPLOYMENT,
        ]*.toString(), commands())
        assertEquals(['15 SECONDS', '15 SECONDS'], eventsOf('sleep'))
        assertEquals(NEW_REVISION, revision)
        assertTrue(eventsOf('echo').last().contains("runs ${NEW_REVISION} (${IMAGE})"))
        assertEquals(null, buildResult())
    }

    @Test
    void theNewRevisionIsTheCurrentOneWithTheNewImageAndWithoutTheReadOnlyFields() {
        givenRollout("${NEW_REVISION}\tCOMPLETED\tNone\n")

        runScript(JOB)

        Map registered = new JsonSlurperClassic().parseText(workspaceFiles['ecs-task-definition.json']) as Map
        Map current = new JsonSlurperClassic().parseText(DESCRIBED) as Map
        assertEquals(['family', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'requiresCompatibilities',
                      'cpu', 'memory'] as Set, registered.keySet())
        assertEquals(current.containerDefinitions[0] + [image: IMAGE], registered.containerDefinitions[0])
        assertEquals(current.subMap(['family', 'executionRoleArn', 'networkMode', 'requiresCompatibilities', 'cpu', 'memory']),
                registered.subMap(['family', 'executionRoleArn', 'networkMode', 'requiresCompatibilities', 'cpu', 'memory']))
        assertEquals(['ecs-task-definition.json'], eventsOf('writeJSON'))
    }

    @Test
    void aRolloutTheCircuitBreakerRolledBackFailsTheStepNamingTheRollback() {
        givenRollout("${NEW_REVISION}\tIN_PROGRESS\tNone\n",
                "${OLD_REVISION}\tIN_PROGRESS\tECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1111.\n",
                "${OLD_REVISION}\tCOMPLETED\tNone\n")

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof StepFailedException)
        assertEquals(("deployEcsService: ${SERVICE} in ${CLUSTER}: the deployment circuit breaker rolled the service " +
                "back: the PRIMARY deployment runs ${OLD_REVISION} (IN_PROGRESS), not ${NEW_REVISION}: ECS deployment " +
                'circuit breaker: rolling back to deploymentId ecs-svc/1111.').toString(), failure.message)
        assertEquals(2, commands().count(PRIMARY_DEPLOYMENT))
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void aFailedRolloutFailsTheStep() {
        givenRollout("${NEW_REVISION}\tIN_PROGRESS\tNone\n",
                "${NEW_REVISION}\tFAILED\tECS deployment circuit breaker: tasks failed to start.\n")

        Throwable failure = runFailingJob(JOB)

        assertEquals(("deployEcsService: ${SERVICE} in ${CLUSTER}: the deployment of ${NEW_REVISION} FAILED: ECS " +
                'deployment circuit breaker: tasks failed to start.; the deployment circuit breaker rolls the service ' +
                'back to its previous revision').toString(), failure.message)
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void aRolloutThatDoesNotCompleteInTimeFailsAfterBoundedPolling() {
        givenStepSettings(service: 'greeter', environment: 'staging', image: IMAGE, waitMinutes: 1, pollSeconds: 20)
        givenRollout("${NEW_REVISION}\tIN_PROGRESS\tNone\n")

        Throwable failure = runFailingJob(JOB)

        assertEquals(("deployEcsService: ${SERVICE} in ${CLUSTER} did not complete the deployment of ${NEW_REVISION} " +
                "within 1 minutes; last seen: ${NEW_REVISION} IN_PROGRESS").toString(), failure.message)
        assertEquals(3, commands().count(PRIMARY_DEPLOYMENT))
        assertEquals(['20 SECONDS', '20 SECONDS'], eventsOf('sleep'))
    }

    @Test
    void aStackWithoutTheOutputFailsBeforeAnythingIsRegistered() {
        shell.stackOutputs.remove('greeter-staging-ecs.EcsServiceName')

        Throwable failure = runFailingJob(JOB)

        assertEquals('deployEcsService: stack greeter-staging-ecs has no output EcsServiceName', failure.message)
        assertTrue(commands().every { it.startsWith('aws cloudformation ') })
    }

    @Test
    void settingsThatWouldReachTheShellWrongAreRejectedByKey() {
        Map<Map, String> badSettings = [
                ([environment: 'staging', image: IMAGE])                      : "missing required setting 'service'",
                ([service: 'greeter', environment: 'staging; rm -rf /', image: IMAGE]):
                        "setting 'environment' must be an environment name",
                ([service: 'greeter', environment: 'staging', image: 'greeter:latest; true']):
                        "setting 'image' must be an image reference",
                ([service: 'greeter', environment: 'staging', image: IMAGE, pollSeconds: 0]):
                        "setting 'pollSeconds' must be a whole number of at least 1, got '0'",
                ([service: 'greeter', environment: 'staging', image: IMAGE, waitMinutes: '30']):
                        "setting 'waitMinutes' must be a whole number, got text '30'",
        ]
        badSettings.each { Map settings, String expected ->
            setUpPipeline()
            givenStepSettings(settings)

            Throwable failure = runFailingJob(JOB)

            assertTrue("${settings}: ${failure.message}".toString(),
                    failure.message.startsWith('deployEcsService: ') && failure.message.contains(expected))
            assertTrue(commands().isEmpty())
        }
    }

    @Test
    void aContainerTheTaskDefinitionDoesNotHaveIsRejectedByKey() {
        givenStepSettings(service: 'greeter', environment: 'staging', image: IMAGE, container: 'sidecar')

        Throwable failure = runFailingJob(JOB)

        assertEquals("deployEcsService: setting 'container' must name one of the task definition's containers " +
                "[greeter], got 'sidecar'", failure.message)
        assertTrue(commands().every { !it.startsWith('aws ecs register-task-definition') })
    }
}
