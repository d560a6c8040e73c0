package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The version a build releases under. A release tag (v1.4.0 or 1.4.0) is the version as
 * it stands; any other build is {@code <semver>-<build number>-<short commit>}, e.g.
 * 1.4.0-57-3f2a9c1, so every build of every branch has its own artifact that sorts after
 * the previous release and names the commit it came from.
 */
class ReleaseVersion implements Serializable {

    private static final long serialVersionUID = 1L

    static final String SEMVER = /\d+\.\d+\.\d+/
    private static final String TAG = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/
    /** What a version may look like: it ends up in S3 keys, SSM values and shell commands. */
    static final String VERSION_PATTERN = /\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?/
    static final int SHORT_COMMIT_LENGTH = 7

    @NonCPS
    static String compute(String tagName, String baseVersion, Object buildNumber, String commit) {
        if (tagName) {
            def tag = tagName =~ "^${TAG}\$"
            if (!tag.matches()) {
                throw new IllegalArgumentException(
                        "tag '${tagName}' is not a release tag (expected v<major>.<minor>.<patch>)".toString())
            }
            return tag.group(1)
        }
        if (!(baseVersion ==~ SEMVER)) {
            throw new IllegalArgumentException(
                    "base version '${baseVersion}' is not <major>.<minor>.<patch>".toString())
        }
        if (!(String.valueOf(buildNumber) ==~ /\d+/)) {
            throw new IllegalArgumentException("build number '${buildNumber}' is not a number".toString())
        }
        String trimmedCommit = commit?.trim()
        if (!(trimmedCommit ==~ /[0-9a-f]{7,40}/)) {
            throw new IllegalArgumentException("commit '${commit}' is not a git commit id".toString())
        }
        return "${baseVersion}-${buildNumber}-${trimmedCommit.substring(0, SHORT_COMMIT_LENGTH)}".toString()
    }

    /**
     * The semver a Maven project is working towards: its {@code revision} property (the
     * CI-friendly version) or else its own {@code version}, without -SNAPSHOT. Read with
     * patterns rather than an XML parser, which a sandboxed library may not use.
     */
    @NonCPS
    static String baseVersionFromPom(String pomXml) {
        String withoutParent = pomXml.replaceAll(/(?s)<parent>.*?<\/parent>/, '')
        def revision = withoutParent =~ /<revision>\s*([^<\s]+)\s*<\/revision>/
        def version = withoutParent =~ /<version>\s*([^<\s]+)\s*<\/version>/
        String declared = revision.find() ? revision.group(1) : (version.find() ? version.group(1) : '')
        String base = declared.replaceFirst(/-SNAPSHOT$/, '')
        if (!(base ==~ SEMVER)) {
            throw new IllegalArgumentException(
                    "pom.xml version '${declared}' is not <major>.<minor>.<patch>[-SNAPSHOT]; set 'baseVersion'".toString())
        }
        return base
    }
}
