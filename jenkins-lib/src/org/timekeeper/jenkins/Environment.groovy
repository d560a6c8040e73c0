package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * One environment a release is promoted through: where its inventory is, which public
 * URL answers for it, whether a person must approve a deploy to it, and the names of
 * what belongs to it (SSM release parameter, deploy lock).
 */
class Environment implements Serializable {

    private static final long serialVersionUID = 1L

    /** Environment names become inventory folders, SSM path segments and lock names. */
    static final String NAME_PATTERN = /[a-z][a-z0-9-]{0,31}/
    static final String URL_PATTERN = /https?:\/\/[^\s'"]+/
    /** A path (and query) requested on an environment's public URL. */
    static final String PATH_PATTERN = /\/[^\s'"]*/

    final String name
    final String publicUrl
    /** The bucket this environment's instances install releases from. */
    final String artifactBucket
    final boolean approvalRequired

    Environment(String name, String publicUrl, String artifactBucket, boolean approvalRequired) {
        this.name = name
        this.publicUrl = (publicUrl ?: '').replaceAll('/+$', '')
        this.artifactBucket = artifactBucket
        this.approvalRequired = approvalRequired
    }

    /**
     * The same environment with its public URL and artifact bucket, where they were left to
     * be read from its stacks' outputs at deploy time.
     */
    @NonCPS
    Environment withLocations(String stackPublicUrl, String stackArtifactBucket) {
        return new Environment(name, publicUrl ?: stackPublicUrl, artifactBucket ?: stackArtifactBucket, approvalRequired)
    }

    /** An environment known by name only, for steps that need its inventory or parameter names. */
    @NonCPS
    static Environment named(String name) {
        return new Environment(name, '', '', false)
    }

    /**
     * The environments a release is promoted through, in order, checked so a wrong
     * setting fails before anything is built.
     *
     * @param names environment names in promotion order (setting 'promotionPath')
     * @param publicUrls environment name to its public base URL (setting 'environmentUrls')
     * @param artifactBuckets environment name to its artifact bucket (setting 'artifactBuckets')
     * @param approvalRequired names of environments a person must approve deploys to
     *        (setting 'approvalEnvironments')
     * @param urlsFromStacks whether the URLs not given are read from the environments' stacks
     *        (setting 'environmentUrlOutput'); likewise bucketsFromStacks ('artifactBucketOutput')
     */
    @NonCPS
    static List<Environment> promotionPath(String stepName, List names, Map publicUrls, Map artifactBuckets,
                                           List approvalRequired, boolean urlsFromStacks = false,
                                           boolean bucketsFromStacks = false) {
        List<String> problems = []
        if (!names) {
            problems << "setting 'promotionPath' must name at least one environment"
        }
        names.findAll { !(it ==~ NAME_PATTERN) }.each {
            problems << "setting 'promotionPath' has '${it}', which is not an environment name (${NAME_PATTERN})".toString()
        }
        names.findAll { name -> names.count(name) > 1 }.unique().each {
            problems << "setting 'promotionPath' names '${it}' twice".toString()
        }
        names.findAll { !(urlsFromStacks && publicUrls[it] == null) && !(publicUrls[it] ==~ URL_PATTERN) }.each {
            problems << ("setting 'environmentUrls' needs an http(s) URL for '${it}', " +
                    "got '${publicUrls[it]}'").toString()
        }
        names.findAll { !(bucketsFromStacks && artifactBuckets[it] == null) &&
                !(artifactBuckets[it] ==~ Release.BUCKET_PATTERN) }.each {
            problems << ("setting 'artifactBuckets' needs an S3 bucket name for '${it}', " +
                    "got '${artifactBuckets[it]}'").toString()
        }
        [environmentUrls: publicUrls, artifactBuckets: artifactBuckets].each { String setting, Map byEnvironment ->
            byEnvironment.keySet().findAll { !names.contains(it) }.each {
                problems << "setting '${setting}' has '${it}', which is not on the promotion path ${names}".toString()
            }
        }
        approvalRequired.findAll { !names.contains(it) }.each {
            problems << "setting 'approvalEnvironments' has '${it}', which is not on the promotion path ${names}".toString()
        }
        if (problems) {
            throw new IllegalArgumentException("${stepName}: ${problems.join('; ')}".toString())
        }
        return names.collect { String name ->
            new Environment(name, publicUrls[name] as String, artifactBuckets[name] as String,
                    approvalRequired.contains(name))
        }
    }

    /** The Ansible inventory of this environment, relative to the repository root. */
    @NonCPS
    String getInventory() {
        return "inventory/${name}".toString()
    }

    /** The SSM parameter holding the release this environment runs; new instances read it. */
    @NonCPS
    String releaseParameter(String service) {
        return "/${service}/${name}/release".toString()
    }

    /** The lockable resource that keeps deploys of one service to this environment one at a time. */
    @NonCPS
    String lockResource(String service) {
        return "${service}-${name}-deploy".toString()
    }

    @NonCPS
    @Override
    String toString() {
        return name
    }
}
