package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals

import org.junit.Test

class ReleaseTest {

    private final Release release = new Release('timekeeper', '1.0.0-57-3f2a9c1',
            'service/target/timekeeper-1.0.0-57-3f2a9c1.jar')

    @Test
    void publishesUnderServiceVersionAndFileName() {
        assertEquals('s3://bucket-a/timekeeper/1.0.0-57-3f2a9c1/timekeeper-1.0.0-57-3f2a9c1.jar',
                release.artifactUri('bucket-a'))
        assertEquals('s3://bucket-a/timekeeper/1.0.0-57-3f2a9c1/timekeeper-1.0.0-57-3f2a9c1.jar.sha256',
                release.checksumUri('bucket-a'))
        assertEquals('service/target/timekeeper-1.0.0-57-3f2a9c1.jar.sha256', release.checksumFile)
    }

    @Test
    void thePublishedNameIsTheServicesWhateverTheJarIsCalled() {
        Release renamed = new Release('greeter', '2.0.1', 'app/target/greeter-app-2.0.1.jar')

        assertEquals('greeter-2.0.1.jar', renamed.artifactName)
        assertEquals('s3://b-1/greeter/2.0.1/greeter-2.0.1.jar', renamed.artifactUri('b-1'))
    }

    @Test
    void theAnsibleBundleLivesBesideTheJarAndUnderTheServicesAnsiblePrefix() {
        assertEquals('service/target/timekeeper-ansible-1.0.0-57-3f2a9c1.tar.gz', release.bundleFile)
        assertEquals('s3://bucket-a/timekeeper/ansible/1.0.0-57-3f2a9c1.tar.gz', release.bundleUri('bucket-a'))
        assertEquals('timekeeper-ansible-2.0.1.tar.gz', new Release('timekeeper', '2.0.1', 'timekeeper-2.0.1.jar').bundleFile)
    }

    @Test
    void theBundlesChecksumIsPublishedBesideIt() {
        assertEquals('service/target/timekeeper-ansible-1.0.0-57-3f2a9c1.tar.gz.sha256', release.bundleChecksumFile)
        assertEquals('s3://bucket-a/timekeeper/ansible/1.0.0-57-3f2a9c1.tar.gz.sha256', release.bundleChecksumUri('bucket-a'))
        assertEquals('1.0.0-57-3f2a9c1.tar.gz', release.bundleName)
    }

    @Test
    void aPublishedReleaseCarriesItsDigestsAndIsOtherwiseTheSame() {
        assertEquals('', release.sha256)
        assertEquals('', release.bundleSha256)

        Release published = release.withDigests('a' * 64, 'b' * 64)

        assertEquals(['a' * 64, 'b' * 64], [published.sha256, published.bundleSha256])
        assertEquals([release.service, release.version, release.jar], [published.service, published.version, published.jar])
    }

    @Test
    void readsTheDigestOnlyFromAChecksumLineNamingTheFile() {
        String digest = '0123456789abcdef' * 4
        assertEquals(digest, Release.digestIn("${digest}  greeter-2.0.1.jar\n".toString(), 'greeter-2.0.1.jar'))
        assertEquals(null, Release.digestIn("${digest}  greeter-2.0.2.jar\n".toString(), 'greeter-2.0.1.jar'))
        assertEquals(null, Release.digestIn("${digest[0..62]}  greeter-2.0.1.jar".toString(), 'greeter-2.0.1.jar'))
        assertEquals(null, Release.digestIn('', 'greeter-2.0.1.jar'))
        assertEquals(null, Release.digestIn(null, 'greeter-2.0.1.jar'))
    }

    @Test
    void findsTheJarWhereMavenLeavesIt() {
        assertEquals('target/greeter-2.0.1.jar', Release.jarPath('', 'greeter', '2.0.1'))
        assertEquals('service/target/timekeeper-2.0.1.jar', Release.jarPath('service/', 'timekeeper', '2.0.1'))
    }

    @Test
    void survivesSerialisation() {
        Release copy = SerialisationRoundTrip.of(release)

        assertEquals(release.toString(), copy.toString())
        assertEquals(release.jar, copy.jar)
        Release published = SerialisationRoundTrip.of(release.withDigests('a' * 64, ''))
        assertEquals(['a' * 64, ''], [published.sha256, published.bundleSha256])
    }
}
