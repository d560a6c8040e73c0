import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.ReleaseVersion
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Rolls a release through an environment's fleet with ansible/rolling_deploy.yml: a few
 * nodes at a time leave the load balancer, drain, update, prove themselves and come
 * back. The play rolls a failing node back and stops; this step then fails the build.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The environment to deploy to: the play runs against inventory/<environment>.
            environment: null,
            // The release version to install (the playbook's release_version).
            version: null,
            // How many nodes are updated at once (the playbook's rolling_deploy_batch_size; the
            // service contract's rolling_deploy.batch_size).
            batchSize: 1,
            // More playbook variables, name to value, passed with -e in this order.
            extraVars: [:],
            // Creates the virtualenv with Ansible when .venv/bin/ansible-playbook is missing.
            setupCommand: 'python3.11 -m venv .venv && .venv/bin/pip install -q -r ansible/requirements.txt',
    ]
    Map config = Settings.merge('rollingDeploy', defaultConfig, settings)
    String environment = Settings.matching('rollingDeploy', 'environment', config.environment,
            Environment.NAME_PATTERN, 'an environment name')
    String version = Settings.matching('rollingDeploy', 'version', config.version,
            ReleaseVersion.VERSION_PATTERN, 'a release version')
    int batchSize = Settings.positive('rollingDeploy', 'batchSize', config.batchSize)
    Map<String, String> extraVars = Settings.variables('rollingDeploy', 'extraVars', config.extraVars)

    if (!fileExists(ShellCommands.ANSIBLE_PLAYBOOK)) {
        sh config.setupCommand
    }
    String command = ShellCommands.rollingDeploy(Environment.named(environment).inventory, version, batchSize,
            extraVars)
    int status = sh(script: command, returnStatus: true)
    if (status != 0) {
        error("rollingDeploy: ansible-playbook exited ${status} deploying ${version} to ${environment}; " +
                "the play rolls the failed node back, the rest of the fleet keeps its release")
    }
    echo "rollingDeploy: ${environment} runs ${version}"
}
