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
    void findsTheJarWhereMavenLeavesIt() {
        assertEquals('target/greeter-2.0.1.jar', Release.jarPath('', 'greeter', '2.0.1'))
        assertEquals('service/target/timekeeper-2.0.1.jar', Release.jarPath('service/', 'timekeeper', '2.0.1'))
    }

    @Test
    void survivesSerialisation() {
        Release copy = SerialisationRoundTrip.of(release)

        assertEquals(release.toString(), copy.toString())
        assertEquals(release.jar, copy.jar)
    }
}
