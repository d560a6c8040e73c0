package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Which environments one build deploys to. A build is built and tested always; it is
 * deployed only when its branch (or release tag) maps to an environment, and then it is
 * promoted along the path up to that environment, every stop with the same artifact.
 * Pull requests and unmapped (feature) branches deploy nowhere.
 */
class DeliveryPlan implements Serializable {

    private static final long serialVersionUID = 1L

    /** Why the plan is what it is, for the build log. */
    final String reason
    /** The promotion path up to this build's target, in order; empty when nothing deploys. */
    final List<Environment> environments

    private DeliveryPlan(String reason, List<Environment> environments) {
        this.reason = reason
        this.environments = Collections.unmodifiableList(new ArrayList<Environment>(environments))
    }

    /**
     * @param promotionPath every environment, in promotion order
     * @param branchEnvironments branch name to the environment that branch deploys up to
     * @param releaseTagEnvironment where a release tag build deploys up to ('' for nowhere)
     * @param branchName Jenkins' BRANCH_NAME (for a tag build, the tag)
     * @param changeId Jenkins' CHANGE_ID, set only for pull/merge requests
     * @param tagName Jenkins' TAG_NAME, set only for tag builds
     */
    @NonCPS
    static DeliveryPlan forBuild(List<Environment> promotionPath, Map<String, String> branchEnvironments,
                                 String releaseTagEnvironment, String branchName, String changeId, String tagName) {
        if (changeId) {
            return new DeliveryPlan("change request ${changeId}: build and test only", [])
        }
        String target
        String source
        if (tagName) {
            target = releaseTagEnvironment
            source = "release tag ${tagName}"
        } else {
            target = branchEnvironments[branchName]
            source = "branch ${branchName}"
        }
        if (!target) {
            return new DeliveryPlan("${source}: build and test only", [])
        }
        int last = promotionPath.findIndexOf { it.name == target }
        if (last < 0) {
            throw new IllegalArgumentException(
                    "${source} maps to environment '${target}', which is not on the promotion path " +
                            "${promotionPath*.name}".toString())
        }
        List<Environment> path = promotionPath.subList(0, last + 1)
        return new DeliveryPlan("${source}: promote through ${path*.name.join(' -> ')}", path)
    }

    /** Fails naming the setting when a branch or the release tag maps to an environment off the path. */
    @NonCPS
    static void checkTargets(String stepName, List<Environment> promotionPath, Map<String, String> branchEnvironments,
                             String releaseTagEnvironment) {
        List<String> known = promotionPath*.name
        List<String> problems = []
        branchEnvironments.each { branch, target ->
            if (!known.contains(target)) {
                problems << ("setting 'branchEnvironments' sends branch '${branch}' to '${target}', " +
                        "which is not on the promotion path ${known}").toString()
            }
        }
        if (releaseTagEnvironment && !known.contains(releaseTagEnvironment)) {
            problems << ("setting 'releaseTagEnvironment' is '${releaseTagEnvironment}', " +
                    "which is not on the promotion path ${known}").toString()
        }
        if (problems) {
            throw new IllegalArgumentException("${stepName}: ${problems.join('; ')}".toString())
        }
    }

    @NonCPS
    boolean isDeploying() {
        return !environments.isEmpty()
    }

    @NonCPS
    List<String> getEnvironmentNames() {
        return environments*.name
    }
}
