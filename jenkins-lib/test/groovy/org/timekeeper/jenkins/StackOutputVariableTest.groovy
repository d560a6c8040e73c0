package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertNull
import static org.junit.Assert.fail

import org.junit.Test

class StackOutputVariableTest {

    @Test
    void readsEachVariableFromTheEnvironmentsStackLayer() {
        List<StackOutputVariable> variables = StackOutputVariable.parse('ship',
                [target_group_arn: 'load-balancer.TargetGroupArn', vpc_cidr: 'network.VpcCidr'])
        Environment prod = Environment.named('prod')

        assertEquals(['target_group_arn', 'vpc_cidr'], variables*.variable)
        assertEquals(['TargetGroupArn', 'VpcCidr'], variables*.outputKey)
        assertEquals(['timekeeper-prod-load-balancer', 'timekeeper-prod-network'],
                variables*.stackName('timekeeper', prod))
    }

    @Test
    void rejectsNamesAndSourcesItCannotUse() {
        try {
            StackOutputVariable.parse('ship', ['target-group': 'load-balancer.TargetGroupArn', vpc: 'VpcCidr'])
            fail('accepted')
        } catch (IllegalArgumentException expected) {
            assertEquals("ship: setting 'stackOutputVars' has 'target-group', which is not an Ansible variable name; " +
                    "setting 'stackOutputVars' reads 'vpc' from 'VpcCidr', expected '<stack layer>.<OutputKey>' " +
                    "such as 'load-balancer.TargetGroupArn'", expected.message)
        }
    }

    @Test
    void theCliSaysNoneForAMissingOutput() {
        assertEquals('10.0.0.0/16', StackOutputVariable.valueOf('10.0.0.0/16\n'))
        assertNull(StackOutputVariable.valueOf('None\n'))
        assertNull(StackOutputVariable.valueOf(''))
    }
}
