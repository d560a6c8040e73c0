import org.timekeeper.jenkins.Release
import org.timekeeper.jenkins.ReleaseVersion
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Packages the release jar once, under the build's release version (the release tag, or
 * <semver>-<build>-<short commit>), and archives it. Returns the Release that every later
 * stage publishes and deploys, so nothing downstream rebuilds or renames it.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The service's name: the published artifact, S3 prefix and SSM prefix are named after it.
            service: null,
            // The Maven module that produces the jar. '' is the whole project.
            mavenModule: '',
            // The jar's Maven artifactId. '' means the same as 'service'.
            artifactId: '',
            // <major>.<minor>.<patch> the release is working towards. '' reads it from pom.xml
            // (its 'revision' property, else its version, without -SNAPSHOT).
            baseVersion: '',
            // The commit being built. '' asks git for HEAD.
            commit: '',
    ]
    Map config = Settings.merge('packageRelease', defaultConfig, settings)
    String service = Settings.matching('packageRelease', 'service', config.service, Release.SERVICE_PATTERN,
            'a lower-case name (letters, digits, dashes)')

    String baseVersion = config.baseVersion ?: ReleaseVersion.baseVersionFromPom(readFile('pom.xml'))
    String version
    if (env.TAG_NAME) {
        version = ReleaseVersion.compute(env.TAG_NAME, baseVersion, env.BUILD_NUMBER, null)
    } else {
        String commit = config.commit ?: sh(script: 'git rev-parse HEAD', returnStdout: true).trim()
        version = ReleaseVersion.compute(null, baseVersion, env.BUILD_NUMBER, commit)
    }
    echo "packageRelease: ${service} ${version}"

    sh ShellCommands.mavenPackage(config.mavenModule, version)
    String jar = Release.jarPath(config.mavenModule, config.artifactId ?: service, version)
    if (!fileExists(jar)) {
        error("packageRelease: the build did not produce ${jar}")
    }
    archiveArtifacts(artifacts: jar, fingerprint: true)
    return new Release(service, version, jar)
}
