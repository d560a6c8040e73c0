package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** The whole pipeline with deployTarget 'eks': the release's image promoted through each environment's EKS cluster. */
class ShipServiceToEksTest extends ShipServiceToImageTestBase {

    private static final String KUBECTL = 'kubectl --kubeconfig eks-kubeconfig'

    @Before
    void chooseEks() {
        givenStepSettings(service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, deployTarget: 'eks')
    }

    @Test
    void mainBranchPushesTheImageAndRollsItOutOnEachEnvironmentsCluster() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        List<String> expected = BUILD_COMMANDS + imagePush('dev') + eksDeploy('dev') + smokeRequests('dev') +
                imagePush('staging') + eksDeploy('staging') + smokeRequests('staging') +
                imagePush('prod') + eksDeploy('prod') + smokeRequests('prod')
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

    @Override
    String stackLayer() {
        return 'eks'
    }

    @Override
    String repository(String environment) {
        return "${REGISTRY}/greeter-${environment}-eks".toString()
    }

    private List<String> eksDeploy(String environment) {
        return [stackOutput(environment, 'ClusterName'),
                "aws eks update-kubeconfig --name greeter-${environment} --kubeconfig eks-kubeconfig",
                "${KUBECTL} apply -k eks-release",
                "${KUBECTL} rollout status deployment/greeter --namespace greeter --timeout=900s"]*.toString()
    }
}
