package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue
import static org.junit.Assert.fail

import org.junit.Test

class DeliveryPlanTest {

    private static final List<Environment> PATH = ['dev', 'staging', 'prod'].collect {
        new Environment(it, "https://${it}.example.test", "svc-${it}", it == 'prod')
    }
    private static final Map BRANCHES = [dev: 'dev', staging: 'staging', main: 'prod', prod: 'prod']

    @Test
    void eachDeployBranchIsPromotedUpToItsEnvironment() {
        assertEquals(['dev'], plan('dev', null, null).environmentNames)
        assertEquals(['dev', 'staging'], plan('staging', null, null).environmentNames)
        assertEquals(['dev', 'staging', 'prod'], plan('main', null, null).environmentNames)
        assertEquals(['dev', 'staging', 'prod'], plan('prod', null, null).environmentNames)
    }

    @Test
    void featureBranchesDeployNowhere() {
        DeliveryPlan plan = plan('feature/leap-seconds', null, null)

        assertFalse(plan.deploying)
        assertEquals('branch feature/leap-seconds: build and test only', plan.reason)
    }

    @Test
    void changeRequestsDeployNowhereWhateverTheirBranch() {
        DeliveryPlan plan = plan('main', '42', null)

        assertFalse(plan.deploying)
        assertEquals('change request 42: build and test only', plan.reason)
    }

    @Test
    void releaseTagsGoWhereTheSettingSays() {
        assertEquals(['dev', 'staging', 'prod'], plan('v1.2.0', null, 'v1.2.0').environmentNames)
        DeliveryPlan nowhere = DeliveryPlan.forBuild(PATH, BRANCHES, '', 'v1.2.0', null, 'v1.2.0')
        assertFalse(nowhere.deploying)
    }

    @Test
    void theReasonSaysThePath() {
        assertEquals('branch main: promote through dev -> staging -> prod', plan('main', null, null).reason)
    }

    @Test
    void aTargetOffThePathIsRejectedNamingTheSetting() {
        try {
            DeliveryPlan.checkTargets('ship', PATH, [main: 'production'], 'live')
            fail('expected a rejection')
        } catch (IllegalArgumentException expected) {
            assertEquals("ship: setting 'branchEnvironments' sends branch 'main' to 'production', which is not on " +
                    "the promotion path [dev, staging, prod]; setting 'releaseTagEnvironment' is 'live', which is " +
                    'not on the promotion path [dev, staging, prod]', expected.message)
        }
    }

    @Test
    void survivesSerialisationWithItsEnvironments() {
        DeliveryPlan copy = SerialisationRoundTrip.of(plan('staging', null, null))

        assertTrue(copy.deploying)
        assertEquals(['dev', 'staging'], copy.environmentNames)
    }

    private static DeliveryPlan plan(String branch, String changeId, String tag) {
        return DeliveryPlan.forBuild(PATH, BRANCHES, 'prod', branch, changeId, tag)
    }
}
