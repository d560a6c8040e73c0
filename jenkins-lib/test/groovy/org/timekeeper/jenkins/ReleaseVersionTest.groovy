package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.fail

import org.junit.Test

class ReleaseVersionTest {

    @Test
    void aBranchBuildIsSemverBuildNumberAndShortCommit() {
        assertEquals('1.4.0-57-3f2a9c1',
                ReleaseVersion.compute(null, '1.4.0', '57', '3f2a9c1d5e6b7a8c9d0e1f2a3b4c5d6e7f8a9b0c\n'))
    }

    @Test
    void aReleaseTagIsTheVersionWithOrWithoutV() {
        assertEquals('2.0.1', ReleaseVersion.compute('v2.0.1', '1.4.0', '57', 'abcdef0'))
        assertEquals('2.0.1', ReleaseVersion.compute('2.0.1', '1.4.0', '57', 'abcdef0'))
        assertEquals('2.1.0-rc.1', ReleaseVersion.compute('v2.1.0-rc.1', '1.4.0', '57', null))
    }

    @Test
    void everyVersionItMakesIsAVersionTheOtherStepsAccept() {
        [ReleaseVersion.compute(null, '1.4.0', 57, 'abcdef0'), ReleaseVersion.compute('v2.1.0-rc.1', '', 1, null)].each {
            assert it ==~ ReleaseVersion.VERSION_PATTERN
        }
    }

    @Test
    void rejectsWhatCannotMakeAVersion() {
        [
                [['nightly', '1.4.0', '57', 'abcdef0'], "tag 'nightly' is not a release tag (expected v<major>.<minor>.<patch>)"],
                [[null, '1.4', '57', 'abcdef0'], "base version '1.4' is not <major>.<minor>.<patch>"],
                [[null, '1.4.0', null, 'abcdef0'], "build number 'null' is not a number"],
                [[null, '1.4.0', '57', 'HEAD'], "commit 'HEAD' is not a git commit id"],
        ].each { List args, String message ->
            try {
                ReleaseVersion.compute(*args)
                fail("${args} accepted")
            } catch (IllegalArgumentException expected) {
                assertEquals(message, expected.message)
            }
        }
    }

    @Test
    void theBaseVersionComesFromTheRevisionPropertyNotTheParent() {
        String pom = '''<project>
            <parent><version>9.9.9</version></parent>
            <version>${revision}</version>
            <properties><revision>1.0.0-SNAPSHOT</revision></properties>
        </project>'''

        assertEquals('1.0.0', ReleaseVersion.baseVersionFromPom(pom))
    }

    @Test
    void withoutRevisionTheProjectVersionCounts() {
        String pom = '<project><parent><version>9.9.9</version></parent><version>2.3.4-SNAPSHOT</version></project>'

        assertEquals('2.3.4', ReleaseVersion.baseVersionFromPom(pom))
    }

    @Test
    void readsThisRepositorysPom() {
        assert ReleaseVersion.baseVersionFromPom(new File('../pom.xml').text) ==~ ReleaseVersion.SEMVER
    }

    @Test
    void anUnusablePomVersionAsksForTheSetting() {
        try {
            ReleaseVersion.baseVersionFromPom('<project><version>${revision}</version></project>')
            fail('accepted')
        } catch (IllegalArgumentException expected) {
            assertEquals('pom.xml version \'${revision}\' is not <major>.<minor>.<patch>[-SNAPSHOT]; set \'baseVersion\'',
                    expected.message)
        }
    }
}
