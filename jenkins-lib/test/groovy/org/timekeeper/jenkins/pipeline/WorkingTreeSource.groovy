package org.timekeeper.jenkins.pipeline

import com.lesfurets.jenkins.unit.global.lib.SourceRetriever

/**
 * Retrieves the library from this module's working tree whatever version is asked for,
 * so the tests exercise the code being changed; which version a Jenkinsfile pins is
 * asserted separately.
 */
class WorkingTreeSource implements SourceRetriever {

    @Override
    List<URL> retrieve(String repository, String version, String targetPath) {
        return [new File('.').canonicalFile.toURI().toURL()]
    }
}
