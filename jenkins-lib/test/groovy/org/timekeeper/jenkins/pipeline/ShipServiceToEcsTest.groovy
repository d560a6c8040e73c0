package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** The whole pipeline with deployTarget 'ecs': the release's image promoted through each environment's ECS service. */
class ShipServiceToEcsTest extends ShipServiceToImageTestBase {

    @Before
    void scriptEachEnvironmentsEcsService() {
        ENVIRONMENTS.each { String environment ->
            shell.stackOutputs[stack(environment, 'EcsServiceName')] = "greeter-${environment}-service".toString()
            shell.answer("^aws ecs describe-services --cluster greeter-${environment} .*'services\\[0\\]\\.taskDefinition'",
                    "${revision(environment, 6)}\n")
            shell.answer("^aws ecs describe-task-definition --task-definition ${revision(environment, 6)} ",
                    """{"family": "greeter-${environment}", "containerDefinitions": [{"name": "greeter", "image": "old"}]}""")
            shell.answer("^aws ecs describe-services --cluster greeter-${environment} .*PRIMARY",
                    "${revision(environment, 7)}\tIN_PROGRESS\tNone\n", "${revision(environment, 7)}\tCOMPLETED\tNone\n")
        }
        shell.answer(/^aws ecs register-task-definition /, *ENVIRONMENTS.collect { "${revision(it, 7)}\n".toString() })
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'ecs')
    }

    @Test
    void mainBranchPushesTheImageOnceBeforeDeployingAndPromotesItThroughEachEnvironmentsService() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        List<String> expected = BUILD_COMMANDS + imagePush('dev') + ecsDeploy('dev') + smokeRequests('dev') +
                imagePush('staging') + ecsDeploy('staging') + smokeRequests('staging') +
                imagePush('prod') + ecsDeploy('prod') + smokeRequests('prod')
        assertEquals(expected*.toString(), commands())
        assertEquals(['Checkout', 'Build', 'Test', 'Package', 'Publish',
                      'Deploy dev', 'Smoke dev', 'Deploy staging', 'Smoke staging',
                      'Approve prod', 'Deploy prod', 'Smoke prod'], eventsOf('stage'))
        assertFalse(commands().any { it.startsWith('aws s3 ') || it.contains('ansible-playbook') })
        assertBuildSucceeded()
    }

    @Test
    void aRolledBackDeploymentStopsThePromotion() {
        givenBuildOf(BRANCH_NAME: 'main')
        shell.answer('^aws ecs describe-services --cluster greeter-staging .*PRIMARY',
                "${revision('staging', 7)}\tIN_PROGRESS\tNone\n",
                "${revision('staging', 6)}\tIN_PROGRESS\tECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.\n")

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.contains('the deployment circuit breaker rolled the service back'))
        assertEquals('FAILURE', buildResult())
        assertEquals("greeter ${VERSION}: FAILURE, deployed to dev; stopped at Deploy staging".toString(), buildDescription())
        assertFalse(commands().any { it.contains('greeter-prod') })
    }

    @Test
    void theEcsSettingsAreHandedToTheSteps() {
        givenBuildOf(BRANCH_NAME: 'dev')
        ['RepositoryUri', 'ClusterName', 'EcsServiceName'].each { String outputKey ->
            shell.stackOutputs["greeter-dev-fargate.${outputKey}".toString()] =
                    shell.stackOutputs["greeter-dev-ecs.${outputKey}".toString()]
        }
        // two containers: only the one ecsContainer names gets the image
        shell.answer("^aws ecs describe-task-definition --task-definition ${revision('dev', 6)} ",
                '{"family": "greeter-dev", "containerDefinitions": [{"name": "envoy", "image": "envoy:1"}, ' +
                        '{"name": "greeter", "image": "old"}]}')
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'ecs',
                ecsStackLayer: 'fargate', ecsContainer: 'greeter', imageBuildCommand: 'make image-ci',
                imagePushCommand: 'make push-ci', awsRegion: 'eu-west-1')

        runScript(JOB)

        assertTrue(commands().contains("make image-ci RELEASE_VERSION=${VERSION}".toString()))
        assertTrue(commands().contains("make push-ci IMAGE_REPOSITORY=${repository('dev')} RELEASE_VERSION=${VERSION}".toString()))
        assertTrue(commands().contains(("aws ecs update-service --cluster greeter-dev --service greeter-dev-service " +
                "--task-definition ${revision('dev', 7)} --query service.serviceName --output text --region eu-west-1").toString()))
        assertTrue(commands().findAll { it.startsWith('aws cloudformation ') }.every {
            it.contains('--stack-name greeter-dev-fargate ') && it.endsWith(' --region eu-west-1')
        })
        assertEquals([[name: 'envoy', image: 'envoy:1'], [name: 'greeter', image: "${repository('dev')}:${VERSION}".toString()]],
                new groovy.json.JsonSlurperClassic().parseText(workspaceFiles['ecs-task-definition.json']).containerDefinitions)
        assertEquals(['Checkout', 'Build', 'Test', 'Package', 'Publish', 'Deploy dev', 'Smoke dev'], eventsOf('stage'))
        assertBuildSucceeded()
    }

    @Test
    void anUnknownDeployTargetIsRejectedByKey() {
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'k8s')

        Throwable failure = runFailingJob(JOB)

        assertEquals("shipService: setting 'deployTarget' must be 'ec2', 'ecs' or 'eks', got 'k8s'", failure.message)
        assertTrue(commands().isEmpty())
    }

    @Override
    String stackLayer() {
        return 'ecs'
    }

    @Override
    String repository(String environment) {
        return "${REGISTRY}/greeter-${environment}".toString()
    }

    private static String revision(String environment, int number) {
        return "arn:aws:ecs:eu-west-1:123456789012:task-definition/greeter-${environment}:${number}".toString()
    }

    private List<String> ecsDeploy(String environment) {
        String cluster = "--cluster greeter-${environment}"
        String primary = ("aws ecs describe-services ${cluster} --services greeter-${environment}-service " +
                "--query \"services[0].deployments[?status=='PRIMARY'].[taskDefinition,rolloutState,rolloutStateReason]\" " +
                '--output text').toString()
        return [stackOutput(environment, 'ClusterName'), stackOutput(environment, 'EcsServiceName'),
                "aws ecs describe-services ${cluster} --services greeter-${environment}-service " +
                        "--query 'services[0].taskDefinition' --output text",
                "aws ecs describe-task-definition --task-definition ${revision(environment, 6)} --query taskDefinition --output json",
                'aws ecs register-task-definition --cli-input-json file://ecs-task-definition.json ' +
                        '--query taskDefinition.taskDefinitionArn --output text',
                "aws ecs update-service ${cluster} --service greeter-${environment}-service " +
                        "--task-definition ${revision(environment, 7)} --query service.serviceName --output text",
                primary, primary]*.toString()
    }
}
