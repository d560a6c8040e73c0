package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

class RollingDeployTest extends PipelineTestBase {

    private static final String JOB = 'rollingDeployTestJob.groovy'

    @Test
    void runsTheRollingDeployPlaybookAgainstTheEnvironmentsInventory() {
        givenStepSettings(environment: 'staging', version: '1.4.0-57-3f2a9c1', rollingSerial: 2)

        runScript(JOB)

        assertEquals(['.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/staging ' +
                              '-e service_version=1.4.0-57-3f2a9c1 -e rolling_serial=2'], commands())
    }
}
