package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** The whole pipeline with deployTarget 'eks': the release's image promoted through each environment's EKS cluster. */
class ShipServiceToEksTest extends PipelineTestBase {

    private static final String JOB = 'shipServiceSettingsTestJob.groovy'
    private static final String VERSION = '1.4.0-57-3f2a9c1'
    private static final String REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    private static final List<String> ENVIRONMENTS = ['dev', 'staging', 'prod']
    private static final Map<String, String> URLS = [
            dev    : 'https://greeter.dev.example.test',
            staging: 'https://greeter.staging.example.test',
            prod   : 'https://greeter.example.test',
    ]
    private static final String KUBECTL = 'kubectl --kubeconfig eks-kubeconfig'

    @Before
    void scriptEachEnvironmentsEksStack() {
        workspaceFiles["target/greeter-${VERSION}.jar".toString()] = 'greeter as built'
        ENVIRONMENTS.each { String environment ->
            shell.serveEnvironment(environment, URLS[environment])
            // The smoke test's view of the service once its rollout completed (the rollout is DeployEksServiceTest's).
            shell.fleetVersions[environment] = VERSION
            shell.stackOutputs["greeter-${environment}-eks.RepositoryUri".toString()] = repository(environment)
            shell.stackOutputs["greeter-${environment}-eks.ClusterName".toString()] = "greeter-${environment}".toString()
        }
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'eks')
    }

    @Test
    void mainBranchPushesTheImageAndRollsItOutOnEachEnvironmentsCluster() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        List<String> expected = [
                'mvn -B -ntp -DskipTests package',
                'mvn -B -ntp verify',
                'git rev-parse HEAD',
                "mvn -B -ntp -DskipTests -Drevision=${VERSION} package",
        ] + imagePush('dev') + eksDeploy('dev') + smokeRequestsOf("${URLS.dev}/api/hello".toString()) +
                imagePush('staging') + eksDeploy('staging') + smokeRequestsOf("${URLS.staging}/api/hello".toString()) +
                imagePush('prod') + eksDeploy('prod') + smokeRequestsOf("${URLS.prod}/api/hello".toString())
        assertEquals(expected*.toString(), commands())
        assertEquals(['Checkout', 'Build', 'Test', 'Package', 'Publish',
                      'Deploy dev', 'Smoke dev', 'Deploy staging', 'Smoke staging',
                      'Approve prod', 'Deploy prod', 'Smoke prod'], eventsOf('stage'))
        assertTrue(workspaceFiles['eks-release/kustomization.yaml'].contains("newName: ${repository('prod')}\n"))
        assertFalse(commands().any { it.startsWith('aws s3 ') || it.contains('ansible-playbook') || it.startsWith('aws ecs ') })
        assertBuildSucceeded()
    }

    @Test
    void aRolloutThatIsUndoneStopsThePromotion() {
        givenBuildOf(BRANCH_NAME: 'main')
        shell.stackOutputs['greeter-staging-eks.ClusterName'] = 'greeter-staging'
        shell.answerStatus('rollout status', 0, 1, 0)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.endsWith('rolled back to the previous revision'))
        assertTrue(commands().contains("${KUBECTL} rollout undo deployment/greeter --namespace greeter".toString()))
        assertEquals("greeter ${VERSION}: FAILURE, deployed to dev; stopped at Deploy staging".toString(), buildDescription())
        assertFalse(commands().any { it.contains('greeter-prod') })
    }

    @Test
    void theEksSettingsAreHandedToTheSteps() {
        givenBuildOf(BRANCH_NAME: 'dev')
        ['RepositoryUri', 'ClusterName'].each { String outputKey ->
            shell.stackOutputs["greeter-dev-kube.${outputKey}".toString()] = shell.stackOutputs["greeter-dev-eks.${outputKey}".toString()]
        }
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'eks',
                eksStackLayer: 'kube', kubernetesOverlays: 'deploy/overlays', awsRegion: 'eu-west-1')

        runScript(JOB)

        assertTrue(commands().findAll { it.startsWith('aws ') }.every { it.endsWith(' --region eu-west-1') })
        assertTrue(commands().findAll { it.startsWith('aws cloudformation ') }.every { it.contains('--stack-name greeter-dev-kube ') })
        assertTrue(workspaceFiles['eks-release/kustomization.yaml'].contains('- ../deploy/overlays/dev\n'))
        assertBuildSucceeded()
    }

    private static String repository(String environment) {
        return "${REGISTRY}/greeter-${environment}-eks".toString()
    }

    private static String stackOutput(String environment, String outputKey) {
        return ("aws cloudformation describe-stacks --stack-name greeter-${environment}-eks " +
                "--query \"Stacks[0].Outputs[?OutputKey=='${outputKey}'].OutputValue\" --output text").toString()
    }

    private static List<String> imagePush(String environment) {
        return [stackOutput(environment, 'RepositoryUri'), "make image RELEASE_VERSION=${VERSION}".toString(),
                "make push IMAGE_REPOSITORY=${repository(environment)} RELEASE_VERSION=${VERSION}".toString()]
    }

    private static List<String> eksDeploy(String environment) {
        return [stackOutput(environment, 'ClusterName'),
                "aws eks update-kubeconfig --name greeter-${environment} --kubeconfig eks-kubeconfig",
                "${KUBECTL} apply -k eks-release",
                "${KUBECTL} rollout status deployment/greeter --namespace greeter --timeout=900s"]*.toString()
    }
}
