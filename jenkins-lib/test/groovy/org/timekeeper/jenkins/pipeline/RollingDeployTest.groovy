package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

class RollingDeployTest extends PipelineTestBase {

    private static final String JOB = 'rollingDeployTestJob.groovy'

    @Test
    void runsTheRollingDeployPlaybookAgainstTheEnvironmentsInventory() {
        givenStepSettings(environment: 'staging', version: '1.4.0-57-3f2a9c1', batchSize: 2)

        runScript(JOB)

        assertEquals(['.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/staging ' +
                              '-e release_version=1.4.0-57-3f2a9c1 -e rolling_deploy_batch_size=2'], commands())
        assertEquals([staging: '1.4.0-57-3f2a9c1'], shell.fleetVersions)
    }

    @Test
    void updatesOneNodeAtATimeByDefault() {
        givenStepSettings(environment: 'prod', version: '2.0.1')

        runScript(JOB)

        assertEquals(['.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/prod ' +
                              '-e release_version=2.0.1 -e rolling_deploy_batch_size=1'], commands())
    }

    @Test
    void passesExtraVariablesInOrderQuotedForTheShell() {
        givenStepSettings(environment: 'prod', version: '2.0.1',
                extraVars: [artifact_bucket: 'greeter-prod-artifacts', vpc_cidr: '10.0.0.0/16', note: 'two words'])

        runScript(JOB)

        assertEquals(['.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/prod ' +
                              '-e release_version=2.0.1 -e rolling_deploy_batch_size=1 -e artifact_bucket=greeter-prod-artifacts ' +
                              "-e vpc_cidr=10.0.0.0/16 -e note='two words'"], commands())
    }

    @Test
    void createsTheVirtualenvFirstWhenTheAgentHasNone() {
        givenStepSettings(environment: 'dev', version: '2.0.1')
        missingFiles << '.venv/bin/ansible-playbook'

        runScript(JOB)

        assertEquals('python3.11 -m venv .venv && .venv/bin/pip install -q -r ansible/requirements.txt', commands()[0])
        assertTrue(commands()[1].startsWith('.venv/bin/ansible-playbook '))
    }

    @Test
    void aFailedPlayFailsTheBuild() {
        givenStepSettings(environment: 'dev', version: '2.0.1')
        shell.failWhen(/rolling_deploy\.yml/, 2)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof StepFailedException)
        assertEquals('rollingDeploy: ansible-playbook exited 2 deploying 2.0.1 to dev; the play rolls the failed ' +
                'node back, the rest of the fleet keeps its release', failure.message)
        assertEquals('FAILURE', buildResult())
        assertTrue(eventsOf('echo').isEmpty())
    }

    @Test
    void settingsThatWouldReachTheShellWrongAreRejectedByKey() {
        Map<Map, String> badSettings = [
                ([environment: 'dev; rm -rf /', version: '2.0.1']): "setting 'environment' must be an environment name",
                ([environment: 'dev', version: 'latest'])          : "setting 'version' must be a release version",
                ([environment: 'dev', version: '2.0.1', batchSize: 0]):
                        "setting 'batchSize' must be a whole number of at least 1, got '0'",
                ([version: '2.0.1'])                                : "missing required setting 'environment'",
                ([environment: 'dev', version: '2.0.1', extraVars: ['bad-name': 'x']]):
                        "setting 'extraVars' has 'bad-name: x'; expected an Ansible variable name",
        ]
        badSettings.each { Map settings, String expected ->
            setUpPipeline()
            givenStepSettings(settings)

            Throwable failure = runFailingJob(JOB)

            assertTrue("${settings}: ${failure.message}".toString(),
                    failure.message.startsWith('rollingDeploy: ') && failure.message.contains(expected))
            assertTrue(commands().isEmpty())
        }
    }
}
