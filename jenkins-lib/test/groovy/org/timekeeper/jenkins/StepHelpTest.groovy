package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertTrue

import org.junit.Test

/** Every step in vars/ has its help file, and the help names every setting the step takes. */
class StepHelpTest {

    private static final File VARS = new File('vars')

    @Test
    void everyStepHasHelp() {
        List<String> steps = stepNames()

        assertEquals(['buildService', 'deployEcsService', 'deployEksService', 'packageRelease', 'publishImage', 'publishRelease', 'requestApproval', 'rollingDeploy',
                      'shipService', 'smokeTest'], steps)
        steps.each { assertTrue("vars/${it}.txt".toString(), new File(VARS, "${it}.txt").isFile()) }
    }

    @Test
    void theHelpDocumentsEverySettingAsRequiredOrWithItsDefault() {
        stepNames().each { String step ->
            String help = new File(VARS, "${step}.txt").text
            Map<String, String> defaults = defaultConfigOf(new File(VARS, "${step}.groovy").text)
            assertTrue("${step} has settings".toString(), !defaults.isEmpty())
            defaults.each { String key, String defaultValue ->
                def entry = help =~ /(?s)<dt>${key}<\/dt>\s*<dd>(.*?)<\/dd>/
                assertTrue("${step}.txt documents '${key}'".toString(), entry.find())
                String expected = defaultValue == 'null' ? '(Required.)' : '(Optional, defaults to'
                assertTrue("${step}.txt says '${expected}' for '${key}'".toString(), entry.group(1).contains(expected))
            }
            List<String> documented = (help =~ /<dt>(\w+)<\/dt>/).collect { it[1] }
            assertEquals("${step}.txt documents only real settings".toString(), defaults.keySet() as List, documented)
        }
    }

    private static List<String> stepNames() {
        return VARS.listFiles().findAll { it.name.endsWith('.groovy') }*.name*.replace('.groovy', '').sort()
    }

    /** Keys of a step's defaultConfig map, with the default's source text. */
    private static Map<String, String> defaultConfigOf(String source) {
        String block = (source =~ /(?s)def defaultConfig = \[(.*?)\n    \]/)[0][1]
        return (block =~ /(?m)^\s{12}(\w+): (.*?),?$/).collect { it }.collectEntries { [(it[1]): it[2]] }
    }
}
