import org.timekeeper.jenkins.DeliveryPlan
import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.Release
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.StackOutputVariable

/**
 * The whole delivery pipeline of a Maven (Dropwizard) service, from a small map of
 * settings: build, test, package and publish once, then promote that one artifact along
 * the promotion path (dev -> staging -> approval -> prod by default) as far as the
 * branch goes. Pull requests and feature branches build and test only.
 *
 * Written as a scripted pipeline (node/stage/lock/milestone/timeout/input, try/catch/
 * finally for the post actions) so that every line of it runs in the unit tests.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The service's name: names the artifact, its S3 prefix, SSM parameters and deploy locks.
            service: null,
            // What a deploy updates: 'ec2', the Auto Scaling fleet rolled by Ansible (rollingDeploy), or
            // 'ecs', the ECS Fargate service of the stack <service>-<environment>-<ecsStackLayer>
            // (publishImage, deployEcsService), or 'eks', the Kubernetes Deployment on the EKS cluster of
            // the stack <service>-<environment>-<eksStackLayer> (publishImage, deployEksService).
            deployTarget: 'ec2',
            // Environment name to its public base URL, for every environment on the promotion path
            // that environmentUrlOutput does not cover.
            environmentUrls: [:],
            // '<stack layer>.<OutputKey>' of each environment's public base URL, read from its stack
            // <service>-<environment>-<layer> where environmentUrls has none. '' reads none.
            environmentUrlOutput: '',
            // Environment name to its artifact bucket (where its instances install releases from),
            // for every environment on the promotion path that artifactBucketOutput does not cover.
            artifactBuckets: [:],
            // '<stack layer>.<OutputKey>' of each environment's artifact bucket, read like environmentUrlOutput.
            artifactBucketOutput: '',
            // The Maven module that produces the service jar. '' is the whole project.
            mavenModule: '',
            // The jar's Maven artifactId. '' means the same as 'service'.
            artifactId: '',
            // The command that runs every test of the repository.
            testCommand: 'mvn -B -ntp verify',
            // Environments in promotion order; each deploy goes through all before it.
            promotionPath: ['dev', 'staging', 'prod'],
            // Branch name to the last environment its builds are promoted to. Other branches deploy nowhere.
            branchEnvironments: [dev: 'dev', staging: 'staging', main: 'prod', prod: 'prod'],
            // The last environment a release tag build (v1.2.3) is promoted to. '' deploys tags nowhere.
            releaseTagEnvironment: 'prod',
            // Environments a person must approve each deploy to.
            approvalEnvironments: ['prod'],
            // Who may approve: comma-separated users or groups. '' is anyone allowed to build the job.
            approvers: '',
            // How many nodes a rolling deploy updates at once (the service contract's rolling_deploy.batch_size).
            batchSize: 1,
            // Playbook variable to '<stack layer>.<OutputKey>': read from the environment's stack
            // <service>-<environment>-<layer> before each deploy. (Every play also gets release_parameter,
            // release_sha256, release_bundle_sha256 and artifact_bucket.)
            stackOutputVars: [:],
            // Publish the repository's ansible/ folder with the release, for instances that bootstrap themselves.
            ansibleBundle: false,
            // Creates .venv with Ansible on an agent that has none (see rollingDeploy).
            ansibleSetupCommand: 'python3.11 -m venv .venv && .venv/bin/pip install -q -r ansible/requirements.txt',
            // The path the smoke test requests on each environment's public URL (the service contract's
            // paths.smoke): a real API answer that carries the release version.
            smokePath: null,
            // deployTarget 'ecs': the layer of each environment's ECS stack (outputs RepositoryUri,
            // ClusterName, EcsServiceName).
            ecsStackLayer: 'ecs',
            // deployTarget 'ecs': the container whose image a deploy changes. '' is the task's only container.
            ecsContainer: '',
            // deployTarget 'eks': the layer of each environment's EKS stack (outputs RepositoryUri, ClusterName).
            eksStackLayer: 'eks',
            // deployTarget 'eks': the folder of the Kustomize overlays, one per environment.
            kubernetesOverlays: 'kubernetes/overlays',
            // deployTarget 'ecs' or 'eks': builds the image; gets RELEASE_VERSION=<version>.
            imageBuildCommand: 'make image',
            // deployTarget 'ecs' or 'eks': pushes it; gets IMAGE_REPOSITORY=<repository URI> RELEASE_VERSION=<version>.
            imagePushCommand: 'make push',
            // The AWS region of the bucket and SSM parameters. '' is the agent's default.
            awsRegion: '',
            // The agent label of the build (checkout, build, tests, package). '' is any agent.
            agentLabel: '',
            // The agent label of an environment's deploy (and of publishing into the first environment),
            // '{environment}' replaced by its name, e.g. 'deploy-{environment}': agents that may act on that
            // environment alone. '' is agentLabel.
            deployAgentLabel: '',
            // Minutes for checkout, build, tests, package and publish together.
            buildTimeoutMinutes: 60,
            // Minutes for one environment's deploy: the rolling deploy, or the image push and the ECS rollout.
            deployTimeoutMinutes: 45,
            // Minutes for one environment's smoke test.
            smokeTimeoutMinutes: 5,
            // Minutes an approval is waited for before the build is aborted.
            approvalTimeoutMinutes: 60,
    ]
    Map config = Settings.merge('shipService', defaultConfig, settings)
    Settings.matching('shipService', 'service', config.service, Release.SERVICE_PATTERN,
            'a lower-case name (letters, digits, dashes)')
    // ECS and EKS run the release's image: no artifact bucket, release record or playbook.
    boolean toImage = Settings.matching('shipService', 'deployTarget', config.deployTarget, /ec2|ecs|eks/,
            "'ec2', 'ecs' or 'eks'") != 'ec2'
    Settings.matching('shipService', 'smokePath', config.smokePath, Environment.PATH_PATTERN, 'a path starting with /')
    Settings.positive('shipService', config, ['batchSize', 'buildTimeoutMinutes', 'deployTimeoutMinutes',
                                              'smokeTimeoutMinutes', 'approvalTimeoutMinutes'])
    Map<String, StackOutputVariable> locations = [
            url   : StackOutputVariable.ofSetting('shipService', 'environmentUrlOutput', config.environmentUrlOutput),
            bucket: StackOutputVariable.ofSetting('shipService', 'artifactBucketOutput', config.artifactBucketOutput)]
    List<Environment> promotionPath = Environment.promotionPath('shipService', config.promotionPath,
            config.environmentUrls, config.artifactBuckets, config.approvalEnvironments,
            locations.url != null, locations.bucket != null || toImage)
    DeliveryPlan.checkTargets('shipService', promotionPath, config.branchEnvironments, config.releaseTagEnvironment)
    if (config.deployAgentLabel) {
        Settings.matching('shipService', 'deployAgentLabel', config.deployAgentLabel, /.*\{environment\}.*/,
                "a label naming '{environment}'")
    }
    List<StackOutputVariable> stackOutputs = StackOutputVariable.parse('shipService', config.stackOutputVars)
    DeliveryPlan plan = DeliveryPlan.forBuild(promotionPath, config.branchEnvironments, config.releaseTagEnvironment,
            env.BRANCH_NAME, env.CHANGE_ID, env.TAG_NAME)
    echo "shipService: ${plan.reason}"

    // What the post actions report: how far the build got.
    Map outcome = [stage: 'Checkout', release: null, image: null, deployed: []]
    try {
        onAgent(config.agentLabel) {
            timeout(time: config.buildTimeoutMinutes, unit: 'MINUTES') {
                stage('Checkout') {
                    checkout scm
                }
                outcome.stage = 'Build and test'
                buildService(mavenModule: config.mavenModule, testCommand: config.testCommand)
                if (plan.deploying) {
                    outcome.stage = 'Package'
                    stage('Package') {
                        outcome.release = packageRelease(service: config.service, mavenModule: config.mavenModule,
                                artifactId: config.artifactId)
                    }
                    if (config.deployAgentLabel) {
                        // the packaged jar, to the agent that publishes it
                        stash(name: 'release', includes: outcome.release.jar)
                    } else {
                        publish(plan.environments[0], outcome, locations, toImage, config)
                    }
                }
            }
        }
        if (plan.deploying && config.deployAgentLabel) {
            // Publishing writes into the first environment: on its deploy agents, as its deploy role.
            onAgent(deployAgentLabel(plan.environments[0], config)) {
                timeout(time: config.buildTimeoutMinutes, unit: 'MINUTES') {
                    checkout scm
                    unstash('release')
                    publish(plan.environments[0], outcome, locations, toImage, config)
                }
            }
        }
        Environment previous = null
        // Counted loops: an iterator held across steps cannot be checkpointed.
        for (int i = 0; i < plan.environments.size(); i++) {
            Environment target = plan.environments[i]
            if (target.approvalRequired) {
                outcome.stage = "Approve ${target.name}".toString()
                approve(target, outcome.release, config)
            }
            deploy(target, previous, outcome, stackOutputs, locations, config)
            outcome.deployed << target.name
            previous = target
        }
        outcome.stage = null
    } catch (failure) {
        if (currentBuild.result != 'ABORTED') {
            currentBuild.result = 'FAILURE'
        }
        throw failure
    } finally {
        reportOutcome(config.service, outcome)
    }
}

/** The Publish stage: the release (or its image) into the first environment, with the digests of what this build made. */
private void publish(Environment first, Map outcome, Map<String, StackOutputVariable> locations, boolean toImage,
                     Map config) {
    outcome.stage = 'Publish'
    stage('Publish') {
        if (toImage) {
            // the image in the first environment's repository; the later ones get the same image
            outcome.image = publishImage(imageSettings(first, outcome.release, config))
        } else {
            // the release with the digests of the files this build made, for every deploy
            outcome.release = publishRelease(release: outcome.release,
                    artifactBucket: artifactBucketOf(first, locations, config),
                    ansibleBundle: config.ansibleBundle, awsRegion: config.awsRegion)
        }
    }
}

/** The approval gate: one milestone before and one after, so a newer approved build supersedes an older waiting one. */
private void approve(Environment target, Release release, Map config) {
    stage("Approve ${target.name}") {
        milestone(label: "Approve ${target.name}")
        requestApproval(environment: target.name, release: release.toString(), approvers: config.approvers,
                timeoutMinutes: config.approvalTimeoutMinutes)
        milestone(label: "Approved ${target.name}")
    }
}

/**
 * One environment: one deploy at a time (the lock, shared by every branch and build of
 * the service), and a newer build that got the lock first makes an older one give up
 * (the milestone inside the lock), so an environment never goes back to an older release.
 * Then the fleet is rolled (deployTarget 'ec2', rollFleet) or the ECS service moved to the
 * release's image (deployTarget 'ecs'), or the EKS Deployment to it (deployTarget 'eks'): the
 * first environment's repository got the image in the Publish stage, each later one gets the
 * same image, Jib building it reproducibly.
 */
private void deploy(Environment environment, Environment previous, Map outcome, List<StackOutputVariable> stackOutputs,
                    Map<String, StackOutputVariable> locations, Map config) {
    Release release = outcome.release
    outcome.stage = "Deploy ${environment.name}".toString()
    lock(resource: environment.lockResource(config.service), inversePrecedence: true) {
        milestone(label: "Deploy ${environment.name}")
        onAgent(deployAgentLabel(environment, config)) {
            Environment target = null
            stage("Deploy ${environment.name}") {
                checkout scm
                timeout(time: config.deployTimeoutMinutes, unit: 'MINUTES') {
                    target = located(environment, locations, config)
                    if (config.deployTarget == 'ecs' || config.deployTarget == 'eks') {
                        String image = previous == null ? outcome.image :
                                publishImage(imageSettings(target, release, config))
                        if (config.deployTarget == 'ecs') {
                            deployEcsService(service: config.service, environment: target.name, image: image,
                                    container: config.ecsContainer, ecsStackLayer: config.ecsStackLayer,
                                    awsRegion: config.awsRegion)
                        } else {
                            deployEksService(service: config.service, environment: target.name, image: image,
                                    eksStackLayer: config.eksStackLayer, overlaysDirectory: config.kubernetesOverlays,
                                    awsRegion: config.awsRegion)
                        }
                    } else {
                        rollFleet(target, previous, release, stackOutputs, locations, config)
                    }
                }
            }
            outcome.stage = "Smoke ${target.name}".toString()
            stage("Smoke ${target.name}") {
                timeout(time: config.smokeTimeoutMinutes, unit: 'MINUTES') {
                    smokeTest(url: target.publicUrl, path: config.smokePath, version: release.version)
                }
            }
        }
    }
}

/**
 * The EC2 fleet: the artifact is promoted from the environment before (copied, never rebuilt),
 * then the fleet rolled. The play records the release (version and digests) in the environment's
 * release parameter before its first node and puts the previous record back if it fails,
 * so an instance launched during the deploy installs the new release.
 */
private void rollFleet(Environment target, Environment previous, Release release,
                       List<StackOutputVariable> stackOutputs, Map<String, StackOutputVariable> locations, Map config) {
    if (previous != null) {
        publishRelease(release: release, artifactBucket: target.artifactBucket,
                fromBucket: artifactBucketOf(previous, locations, config),
                ansibleBundle: config.ansibleBundle,
                awsRegion: config.awsRegion)
    }
    rollingDeploy(environment: target.name, version: release.version,
            batchSize: config.batchSize,
            extraVars: playbookVariables(target, release, stackOutputs, config),
            setupCommand: config.ansibleSetupCommand)
}

/** publishImage's settings: the release's image into the environment's repository (the ECS or the EKS stack's). */
private Map imageSettings(Environment environment, Release release, Map config) {
    return [service: config.service, environment: environment.name, version: release.version,
            ecsStackLayer: config.deployTarget == 'eks' ? config.eksStackLayer : config.ecsStackLayer, buildCommand: config.imageBuildCommand,
            pushCommand: config.imagePushCommand, awsRegion: config.awsRegion]
}

/**
 * What the play needs besides the version: where it records the release and the digests the
 * nodes check the jar and the bundle against (the release record's fields), then what the
 * environment's inventory needs: its bucket and its stacks' outputs.
 */
private Map<String, String> playbookVariables(Environment target, Release release,
                                              List<StackOutputVariable> stackOutputs, Map config) {
    Map<String, String> variables = [
            release_parameter    : target.releaseParameter(config.service),
            release_sha256       : release.sha256,
            release_bundle_sha256: release.bundleSha256,
            artifact_bucket      : target.artifactBucket,
    ]
    for (int i = 0; i < stackOutputs.size(); i++) {
        StackOutputVariable output = stackOutputs[i]
        variables[output.variable] = stackOutput(output, target, config)
    }
    return variables
}

/** The environment with the public URL and artifact bucket its stacks export, where the settings give none. */
private Environment located(Environment environment, Map<String, StackOutputVariable> locations, Map config) {
    String url = environment.publicUrl || locations.url == null ? '' : stackOutput(locations.url, environment, config)
    return environment.withLocations(url, artifactBucketOf(environment, locations, config))
}

/** The environment's artifact bucket: from the settings, else from its stack's output. */
private String artifactBucketOf(Environment environment, Map<String, StackOutputVariable> locations, Map config) {
    if (environment.artifactBucket || locations.bucket == null) {
        return environment.artifactBucket
    }
    return stackOutput(locations.bucket, environment, config)
}

/** One output of one of the environment's stacks; fails the build when the stack has no such output. */
private String stackOutput(StackOutputVariable output, Environment environment, Map config) {
    return output.read(this, 'shipService', config.service, environment, config.awsRegion)
}

/** The agents that deploy to the environment (deployAgentLabel), or the build's when none is set. */
private String deployAgentLabel(Environment environment, Map config) {
    return config.deployAgentLabel ? config.deployAgentLabel.replace('{environment}', environment.name) :
            config.agentLabel
}

private void onAgent(String label, Closure body) {
    if (label) {
        node(label, body)
    } else {
        node(body)
    }
}

/** The post action: one line in the log and the build's description say how it ended. */
private void reportOutcome(String service, Map outcome) {
    String result = currentBuild.result ?: 'SUCCESS'
    String release = outcome.release ?: service
    String deployed = outcome.deployed ? "deployed to ${outcome.deployed.join(', ')}" : 'deployed nowhere'
    String stopped = outcome.stage ? "; stopped at ${outcome.stage}" : ''
    String summary = "${release}: ${result}, ${deployed}${stopped}".toString()
    currentBuild.description = summary
    echo "shipService: ${summary}"
}
