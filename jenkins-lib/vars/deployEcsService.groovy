import org.timekeeper.jenkins.EcsRollout
import org.timekeeper.jenkins.EcsTaskDefinition
import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands
import org.timekeeper.jenkins.StackOutputVariable

/**
 * Deploys an image to an environment's ECS service: registers a revision of the task
 * definition the service runs with the new image, updates the service to it, and waits
 * until the PRIMARY deployment is on that revision with rolloutState COMPLETED. ECS does
 * the rolling (the stack's minimum healthy 100 %, maximum 200 %, circuit breaker with
 * rollback); this step fails the build when the rollout FAILED, when the circuit breaker
 * rolled back, or when the wait runs out. Returns the new revision's ARN.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The service's name: its ECS stack is <service>-<environment>-<ecsStackLayer>.
            service: null,
            // The environment to deploy to.
            environment: null,
            // The image to run, <repository URI>:<tag> (what publishImage returns).
            image: null,
            // The container whose image changes. '' is the task definition's only container.
            container: '',
            // The layer of the ECS stack, whose outputs ClusterName and EcsServiceName name the service.
            ecsStackLayer: 'ecs',
            // The AWS region of the stack and service. '' is the agent's default.
            awsRegion: '',
            // Minutes the rollout may take before the step fails (the service's deployment of new
            // tasks, their health checks and the old tasks' drain).
            waitMinutes: 30,
            // Seconds between two looks at the rollout.
            pollSeconds: 15,
    ]
    Map config = Settings.merge('deployEcsService', defaultConfig, settings)
    Settings.serviceAndEnvironment('deployEcsService', config)
    Settings.matching('deployEcsService', 'image', config.image, EcsTaskDefinition.IMAGE_PATTERN,
            'an image reference <repository URI>:<tag>')
    Settings.matching('deployEcsService', 'ecsStackLayer', config.ecsStackLayer, Environment.NAME_PATTERN,
            'a stack layer name')
    Settings.positive('deployEcsService', config, ['waitMinutes', 'pollSeconds'])

    Environment environment = Environment.named(config.environment)
    String cluster = ecsStackOutput('ClusterName', environment, config)
    String service = ecsStackOutput('EcsServiceName', environment, config)

    String current = sh(script: ShellCommands.ecsServiceTaskDefinition(cluster, service, config.awsRegion),
            returnStdout: true).trim()
    Map described = readJSON(text: sh(script: ShellCommands.ecsDescribeTaskDefinition(current, config.awsRegion),
            returnStdout: true))
    writeJSON(file: ShellCommands.ECS_TASK_DEFINITION_FILE, json: EcsTaskDefinition.withImage('deployEcsService', described,
            config.container, config.image))
    String revision = sh(script: ShellCommands.ecsRegisterTaskDefinition(ShellCommands.ECS_TASK_DEFINITION_FILE, config.awsRegion),
            returnStdout: true).trim()
    echo "deployEcsService: registered ${revision} (${config.image}), replacing ${current}"
    sh(script: ShellCommands.ecsUpdateService(cluster, service, revision, config.awsRegion), returnStdout: true)

    int polls = Math.max(1, (int) Math.ceil(config.waitMinutes * 60 / (double) config.pollSeconds))
    for (int poll = 1; poll <= polls; poll++) {
        EcsRollout rollout = EcsRollout.parse(sh(
                script: ShellCommands.ecsPrimaryDeployment(cluster, service, config.awsRegion), returnStdout: true))
        if (rollout.completedOn(revision)) {
            echo "deployEcsService: ${service} in ${cluster} runs ${revision} (${config.image})"
            return revision
        }
        String failure = rollout.failureOf(revision)
        if (failure != null) {
            error("deployEcsService: ${service} in ${cluster}: ${failure}")
        }
        if (poll < polls) {
            sleep(time: config.pollSeconds, unit: 'SECONDS')
        } else {
            error("deployEcsService: ${service} in ${cluster} did not complete the deployment of ${revision} " +
                    "within ${config.waitMinutes} minutes; last seen: ${rollout}")
        }
    }
}

/** One output of the environment's ECS stack; fails the build when the stack has no such output. */
private String ecsStackOutput(String outputKey, Environment environment, Map config) {
    return new StackOutputVariable(outputKey, config.ecsStackLayer, outputKey).read(
            this, 'deployEcsService', config.service, environment, config.awsRegion)
}
