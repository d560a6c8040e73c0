import org.timekeeper.jenkins.Settings

/**
 * Waits for a person to approve deploying a release to an environment, for a bounded
 * time. A refusal or the timeout aborts the build: nothing after the gate runs. Holds no
 * agent while it waits: call it outside 'node'.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The environment the deploy goes to.
            environment: null,
            // What is deployed, as people read it, e.g. 'timekeeper 1.4.0-57-3f2a9c1'.
            release: null,
            // Who may approve: comma-separated user or group names. '' is anyone allowed to build the job.
            approvers: '',
            // Minutes to wait before the build is aborted.
            timeoutMinutes: 60,
    ]
    Map config = Settings.merge('requestApproval', defaultConfig, settings)
    int minutes = Settings.positive('requestApproval', 'timeoutMinutes', config.timeoutMinutes)

    Map question = [message: "Deploy ${config.release} to ${config.environment}?".toString(),
                    ok     : "Deploy to ${config.environment}".toString()]
    if (config.approvers) {
        question.submitter = config.approvers
    }
    try {
        timeout(time: minutes, unit: 'MINUTES') {
            input(question)
        }
    } catch (refusal) {
        currentBuild.result = 'ABORTED'
        echo "requestApproval: ${config.release} was not approved for ${config.environment} " +
                "within ${minutes} minutes (${refusal})"
        throw refusal
    }
    echo "requestApproval: ${config.release} approved for ${config.environment}"
}
