package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue
import static org.junit.Assert.fail

import org.junit.Test

class EnvironmentTest {

    private static final Map URLS = [dev: 'https://dev.example.test/', prod: 'https://example.test']
    private static final Map BUCKETS = [dev: 'svc-dev-artifacts', prod: 'svc-prod-artifacts']

    @Test
    void namesWhatBelongsToTheEnvironment() {
        Environment staging = new Environment('staging', 'https://staging.example.test//', 'svc-staging', false)

        assertEquals('inventory/staging', staging.inventory)
        assertEquals('/timekeeper/staging/release', staging.releaseParameter('timekeeper'))
        assertEquals('timekeeper-staging-deploy', staging.lockResource('timekeeper'))
        assertEquals('https://staging.example.test', staging.publicUrl)
    }

    @Test
    void buildsThePromotionPathInOrder() {
        List<Environment> path = Environment.promotionPath('ship', ['dev', 'prod'], URLS, BUCKETS, ['prod'])

        assertEquals(['dev', 'prod'], path*.name)
        assertEquals(['https://dev.example.test', 'https://example.test'], path*.publicUrl)
        assertEquals(['svc-dev-artifacts', 'svc-prod-artifacts'], path*.artifactBucket)
        assertFalse(path[0].approvalRequired)
        assertTrue(path[1].approvalRequired)
    }

    @Test
    void aWrongPromotionPathIsRejectedNamingEachSetting() {
        try {
            Environment.promotionPath('ship', ['dev', 'prod', 'prod', 'QA'], URLS + [stage: 'https://x.test'],
                    BUCKETS, ['preprod'])
            fail('expected a rejection')
        } catch (IllegalArgumentException expected) {
            assertEquals('ship: ' + [
                    "setting 'promotionPath' has 'QA', which is not an environment name ([a-z][a-z0-9-]{0,31})",
                    "setting 'promotionPath' names 'prod' twice",
                    "setting 'environmentUrls' needs an http(s) URL for 'QA', got 'null'",
                    "setting 'artifactBuckets' needs an S3 bucket name for 'QA', got 'null'",
                    "setting 'environmentUrls' has 'stage', which is not on the promotion path [dev, prod, prod, QA]",
                    "setting 'approvalEnvironments' has 'preprod', which is not on the promotion path [dev, prod, prod, QA]",
            ].join('; '), expected.message)
        }
    }

    @Test
    void urlsAndBucketsLeftToTheStacksAreFilledInLater() {
        List<Environment> path = Environment.promotionPath('ship', ['dev', 'prod'], [prod: 'https://example.test'],
                [:], [], true, true)

        assertEquals(['', 'https://example.test'], path*.publicUrl)
        Environment dev = path[0].withLocations('https://dev.example.test/', 'svc-dev-artifacts')
        assertEquals(['dev', 'https://dev.example.test', 'svc-dev-artifacts'], [dev.name, dev.publicUrl, dev.artifactBucket])
        Environment prod = path[1].withLocations('https://elsewhere.test', 'svc-prod-artifacts')
        assertEquals('the settings win over the stack', 'https://example.test', prod.publicUrl)
    }

    @Test
    void anEmptyPromotionPathIsRejected() {
        try {
            Environment.promotionPath('ship', [], [:], [:], [])
            fail('expected a rejection')
        } catch (IllegalArgumentException expected) {
            assertEquals("ship: setting 'promotionPath' must name at least one environment", expected.message)
        }
    }

    @Test
    void survivesSerialisation() {
        Environment prod = new Environment('prod', 'https://example.test', 'svc-prod', true)

        Environment copy = SerialisationRoundTrip.of(prod)

        assertEquals([prod.name, prod.publicUrl, prod.artifactBucket, prod.approvalRequired],
                [copy.name, copy.publicUrl, copy.artifactBucket, copy.approvalRequired])
    }
}
