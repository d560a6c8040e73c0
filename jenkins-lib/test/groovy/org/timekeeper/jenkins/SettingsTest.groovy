package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.fail

import org.junit.Test

class SettingsTest {

    private static final Map DEFAULTS = [service: null, batchSize: 1, region: '', upload: true,
                                         path: ['dev'], urls: [:]]

    @Test
    void callerSettingsOverlayTheDefaults() {
        Map merged = Settings.merge('step', DEFAULTS, [service: 'greeter', batchSize: 3])

        assertEquals([service: 'greeter', batchSize: 3, region: '', upload: true, path: ['dev'], urls: [:]], merged)
    }

    @Test
    void gStringsCountAsTextAndBecomeStrings() {
        String environment = 'eu-west-1'
        Map merged = Settings.merge('step', DEFAULTS, [service: 'greeter', region: "${environment}"])

        assertEquals(String, merged.region.getClass())
    }

    @Test
    void everyProblemIsNamedByKey() {
        List<String> problems = Settings.problems(DEFAULTS, [batchSize: '2', upload: 'yes', path: 'dev',
                                                             urls: ['dev'], servce: 'greeter'])

        assertEquals([
                "missing required setting 'service'",
                "setting 'batchSize' must be a whole number, got text '2'",
                "setting 'upload' must be true or false, got text 'yes'",
                "setting 'path' must be a list, got text 'dev'",
                "setting 'urls' must be a map, got a list '[dev]'",
                "unknown setting 'servce' (known settings: service, batchSize, region, upload, path, urls)",
        ], problems)
    }

    @Test
    void anExplicitNullIsMissing() {
        assertEquals(["missing required setting 'service'"], Settings.problems(DEFAULTS, [service: null]))
    }

    @Test
    void mergeFailsWithTheStepNameAndEveryProblem() {
        try {
            Settings.merge('rollingDeploy', DEFAULTS, [batchSize: 1.5])
            fail('expected the settings to be rejected')
        } catch (IllegalArgumentException expected) {
            assertEquals("rollingDeploy: missing required setting 'service'; " +
                    "setting 'batchSize' must be a whole number, got a number '1.5'", expected.message)
        }
    }

    @Test
    void positiveAcceptsOneAndUpOnly() {
        assertEquals(1, Settings.positive('step', 'samples', 1))
        ['0', 0, -1, null].each { value ->
            try {
                Settings.positive('step', 'samples', value)
                fail("${value} accepted")
            } catch (IllegalArgumentException expected) {
                assertEquals("step: setting 'samples' must be a whole number of at least 1, got '${value}'".toString(),
                        expected.message)
            }
        }
    }

    @Test
    void matchingNamesTheKeyAndWhatWasExpected() {
        assertEquals('dev', Settings.matching('step', 'environment', 'dev', Environment.NAME_PATTERN, 'an environment name'))
        try {
            Settings.matching('step', 'environment', 'Dev Env', Environment.NAME_PATTERN, 'an environment name')
            fail('expected a rejection')
        } catch (IllegalArgumentException expected) {
            assertEquals("step: setting 'environment' must be an environment name, got 'Dev Env'", expected.message)
        }
    }
}
