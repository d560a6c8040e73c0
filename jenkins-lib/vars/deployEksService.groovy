import org.timekeeper.jenkins.EcsTaskDefinition
import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.KustomizeRelease
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands
import org.timekeeper.jenkins.StackOutputVariable

/**
 * Deploys an image to an environment's EKS cluster: applies the environment's Kustomize
 * overlay with the release's image (one kubectl apply -k of a kustomization in the
 * workspace over the overlay), then waits for the Deployment's rolling update with
 * `kubectl rollout status --timeout`. Kubernetes does the rolling (maxUnavailable 0, the
 * load balancer controller's readiness gate); when the rollout fails or the wait runs out,
 * this step undoes it (`kubectl rollout undo`), waits for the previous revision to be back,
 * and fails the build. Returns the image it rolled out.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The service's name: its EKS stack is <service>-<environment>-<eksStackLayer>.
            service: null,
            // The environment to deploy to: its overlay is <overlaysDirectory>/<environment>.
            environment: null,
            // The image to run, <repository URI>:<tag> (what publishImage returns).
            image: null,
            // The layer of the EKS stack, whose output ClusterName names the cluster.
            eksStackLayer: 'eks',
            // The folder of the Kustomize overlays, one per environment, in the workspace.
            overlaysDirectory: 'kubernetes/overlays',
            // The image name the manifests use, which the release's image replaces. '' is the service's name.
            imageName: '',
            // The namespace and the name of the Deployment. '' is the service's name.
            namespace: '',
            deployment: '',
            // The AWS region of the stack and the cluster. '' is the agent's default.
            awsRegion: '',
            // Minutes the rollout may take (new pods started, Ready behind the ALB, old ones
            // drained) before it is undone and the step fails; the undo gets as long again.
            rolloutTimeoutMinutes: 15,
    ]
    Map config = Settings.merge('deployEksService', defaultConfig, settings)
    Settings.serviceAndEnvironment('deployEksService', config)
    Settings.matching('deployEksService', 'image', config.image, EcsTaskDefinition.IMAGE_PATTERN,
            'an image reference <repository URI>:<tag>')
    Settings.matching('deployEksService', 'eksStackLayer', config.eksStackLayer, Environment.NAME_PATTERN,
            'a stack layer name')
    Settings.matching('deployEksService', 'overlaysDirectory', config.overlaysDirectory, /[A-Za-z0-9_.-][A-Za-z0-9_.\/-]*/,
            'a relative folder')
    String imageName = config.imageName ?: config.service
    String namespace = config.namespace ?: config.service
    String deployment = config.deployment ?: config.service
    Settings.matching('deployEksService', 'imageName', imageName, KustomizeRelease.IMAGE_NAME_PATTERN, 'an image name')
    Settings.matching('deployEksService', 'namespace', namespace, Environment.NAME_PATTERN, 'a namespace name')
    Settings.matching('deployEksService', 'deployment', deployment, Environment.NAME_PATTERN, 'a Deployment name')
    Settings.positive('deployEksService', config, ['rolloutTimeoutMinutes'])

    Environment environment = Environment.named(config.environment)
    String cluster = new StackOutputVariable('ClusterName', config.eksStackLayer, 'ClusterName').read(
            this, 'deployEksService', config.service, environment, config.awsRegion)
    sh ShellCommands.eksUpdateKubeconfig(cluster, config.awsRegion)
    String overlay = KustomizeRelease.overlay(config.overlaysDirectory, environment)
    writeFile(file: "${KustomizeRelease.DIRECTORY}/kustomization.yaml",
            text: KustomizeRelease.kustomization(overlay, imageName, config.image))
    sh ShellCommands.kubectlApplyKustomization(KustomizeRelease.DIRECTORY)

    int timeoutSeconds = config.rolloutTimeoutMinutes * 60
    String what = "deployment/${deployment} in ${namespace} on ${cluster}"
    if (sh(script: ShellCommands.kubectlRolloutStatus(namespace, deployment, timeoutSeconds), returnStatus: true) == 0) {
        echo "deployEksService: ${what} runs ${config.image}"
        return config.image
    }
    // The old pods still serve (maxUnavailable 0); undo puts the previous pod template back.
    echo "deployEksService: ${what} did not roll out ${config.image} within ${config.rolloutTimeoutMinutes} minutes; undoing"
    sh ShellCommands.kubectlRolloutUndo(namespace, deployment)
    boolean undone = sh(script: ShellCommands.kubectlRolloutStatus(namespace, deployment, timeoutSeconds),
            returnStatus: true) == 0
    error("deployEksService: ${what} did not roll out ${config.image} within ${config.rolloutTimeoutMinutes} minutes; " +
            (undone ? 'rolled back to the previous revision' : 'the rollback did not complete either: look at the cluster'))
}
