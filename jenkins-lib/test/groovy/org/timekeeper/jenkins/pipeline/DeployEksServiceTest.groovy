package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** kubectl is the fake shell's: its rollout status exits as each test scripts it. */
class DeployEksServiceTest extends PipelineTestBase {

    private static final String JOB = 'deployEksServiceTestJob.groovy'
    private static final String CLUSTER = 'greeter-staging'
    private static final String IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-staging-eks:1.4.0-57-3f2a9c1'
    private static final String KUBECTL = 'kubectl --kubeconfig eks-kubeconfig'
    private static final String ROLLOUT_STATUS = "${KUBECTL} rollout status deployment/greeter --namespace greeter --timeout=900s"
    private static final String ROLLOUT_UNDO = "${KUBECTL} rollout undo deployment/greeter --namespace greeter"

    @Before
    void scriptTheEksStack() {
        shell.stackOutputs['greeter-staging-eks.ClusterName'] = CLUSTER
        givenStepSettings(service: 'greeter', environment: 'staging', image: IMAGE)
    }

    @Test
    void appliesTheEnvironmentsOverlayWithTheNewImageAndWaitsForTheRollout() {
        Object image = runScript(JOB)

        assertEquals([
                "aws cloudformation describe-stacks --stack-name greeter-staging-eks " +
                        "--query \"Stacks[0].Outputs[?OutputKey=='ClusterName'].OutputValue\" --output text",
                "aws eks update-kubeconfig --name ${CLUSTER} --kubeconfig eks-kubeconfig",
                "${KUBECTL} apply -k eks-release",
                ROLLOUT_STATUS,
        ]*.toString(), commands())
        assertEquals(['eks-release/kustomization.yaml'], eventsOf('writeFile'))
        assertEquals('''apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../kubernetes/overlays/staging
images:
- name: greeter
  newName: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/greeter-staging-eks
  newTag: "1.4.0-57-3f2a9c1"
''', workspaceFiles['eks-release/kustomization.yaml'])
        assertEquals(IMAGE, image)
        assertTrue(eventsOf('echo').last().contains("runs ${IMAGE}"))
        assertEquals(null, buildResult())
    }

    @Test
    void aRolloutThatDoesNotCompleteInTimeIsUndoneAndFailsTheStage() {
        shell.answerStatus('rollout status', 1, 0)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof StepFailedException)
        assertEquals(("deployEksService: deployment/greeter in greeter on ${CLUSTER} did not roll out ${IMAGE} " +
                'within 15 minutes; rolled back to the previous revision').toString(), failure.message)
        assertEquals([ROLLOUT_STATUS, ROLLOUT_UNDO, ROLLOUT_STATUS]*.toString(), commands().drop(3))
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void aRollbackThatDoesNotCompleteEitherSaysSo() {
        shell.answerStatus('rollout status', 1)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.endsWith('the rollback did not complete either: look at the cluster'))
        assertEquals(1, commands().count(ROLLOUT_UNDO))
    }

    @Test
    void theSettingsReachTheCommands() {
        shell.stackOutputs['greeter-staging-kube.ClusterName'] = 'shared-staging'
        givenStepSettings(service: 'greeter', environment: 'staging', image: IMAGE, eksStackLayer: 'kube',
                overlaysDirectory: 'deploy/k8s', imageName: 'example/greeter', namespace: 'web', deployment: 'greeter-api',
                awsRegion: 'eu-west-1', rolloutTimeoutMinutes: 5)

        runScript(JOB)

        assertEquals([
                "aws cloudformation describe-stacks --stack-name greeter-staging-kube " +
                        "--query \"Stacks[0].Outputs[?OutputKey=='ClusterName'].OutputValue\" --output text --region eu-west-1",
                'aws eks update-kubeconfig --name shared-staging --kubeconfig eks-kubeconfig --region eu-west-1',
                "${KUBECTL} apply -k eks-release",
                "${KUBECTL} rollout status deployment/greeter-api --namespace web --timeout=300s",
        ]*.toString(), commands())
        String kustomization = workspaceFiles['eks-release/kustomization.yaml']
        assertTrue(kustomization, kustomization.contains('- ../deploy/k8s/staging\n'))
        assertTrue(kustomization, kustomization.contains('- name: example/greeter\n'))
    }

    @Test
    void aFailedApplyFailsTheStepBeforeAnyRollout() {
        shell.failWhen(/ apply -k /, 1)

        runFailingJob(JOB)

        assertTrue(commands().every { !it.contains('rollout') })
    }

    @Test
    void aStackWithoutTheOutputFailsBeforeTheClusterIsTouched() {
        shell.stackOutputs.remove('greeter-staging-eks.ClusterName')

        Throwable failure = runFailingJob(JOB)

        assertEquals('deployEksService: stack greeter-staging-eks has no output ClusterName', failure.message)
        assertTrue(commands().every { it.startsWith('aws cloudformation ') })
    }

    @Test
    void settingsThatWouldReachTheShellWrongAreRejectedByKey() {
        Map<Map, String> badSettings = [
                ([environment: 'staging', image: IMAGE])                      : "missing required setting 'service'",
                ([service: 'greeter', environment: 'staging', image: 'greeter:latest; true']):
                        "setting 'image' must be an image reference",
                ([service: 'greeter', environment: 'staging', image: IMAGE, namespace: 'web; rm -rf /']):
                        "setting 'namespace' must be a namespace name",
                ([service: 'greeter', environment: 'staging', image: IMAGE, overlaysDirectory: 'a b']):
                        "setting 'overlaysDirectory' must be a relative folder",
                ([service: 'greeter', environment: 'staging', image: IMAGE, rolloutTimeoutMinutes: 0]):
                        "setting 'rolloutTimeoutMinutes' must be a whole number of at least 1, got '0'",
        ]
        badSettings.each { Map settings, String expected ->
            setUpPipeline()
            givenStepSettings(settings)

            Throwable failure = runFailingJob(JOB)

            assertTrue("${settings}: ${failure.message}".toString(),
                    failure.message.startsWith('deployEksService: ') && failure.message.contains(expected))
            assertTrue(commands().isEmpty())
        }
    }
}
