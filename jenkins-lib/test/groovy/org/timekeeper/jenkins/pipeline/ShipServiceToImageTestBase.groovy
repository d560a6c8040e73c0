package org.timekeeper.jenkins.pipeline

import org.junit.Before

/**
 * The whole pipeline with an image deploy target ('ecs', 'eks'): one image built and pushed
 * to each environment's repository (the target's stack output RepositoryUri), then rolled out
 * there and smoke-tested. What the targets share: the build, the push, the stacks' outputs.
 */
abstract class ShipServiceToImageTestBase extends PipelineTestBase {

    static final String JOB = 'shipServiceSettingsTestJob.groovy'
    static final String VERSION = '1.4.0-57-3f2a9c1'
    static final String REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    static final List<String> ENVIRONMENTS = ['dev', 'staging', 'prod']
    static final Map<String, String> URLS = [
            dev    : 'https://greeter.dev.example.test',
            staging: 'https://greeter.staging.example.test',
            prod   : 'https://greeter.example.test',
    ]
    /** The build before any push: package, test, read the commit, package the release. */
    static final List<String> BUILD_COMMANDS = [
            'mvn -B -ntp -DskipTests package',
            'mvn -B -ntp verify',
            'git rev-parse HEAD',
            "mvn -B -ntp -DskipTests -Drevision=${VERSION} package".toString(),
    ]

    /** The deploy target's stack layer (shipService's ecsStackLayer / eksStackLayer default). */
    abstract String stackLayer()

    /** The environment's image repository, as its stack exports it. */
    abstract String repository(String environment)

    @Before
    void scriptEachEnvironmentsImageStack() {
        workspaceFiles["target/greeter-${VERSION}.jar".toString()] = 'greeter as built'
        ENVIRONMENTS.each { String environment ->
            shell.serveEnvironment(environment, URLS[environment])
            // The smoke test's view of the service once its rollout completed (the rollout is the deploy step's test's).
            shell.fleetVersions[environment] = VERSION
            shell.stackOutputs[stack(environment, 'RepositoryUri')] = repository(environment)
            shell.stackOutputs[stack(environment, 'ClusterName')] = "greeter-${environment}".toString()
        }
    }

    /** A stack output's key in the fake shell: <stack name>.<output key>. */
    String stack(String environment, String outputKey) {
        return "greeter-${environment}-${stackLayer()}.${outputKey}".toString()
    }

    String stackOutput(String environment, String outputKey) {
        return ("aws cloudformation describe-stacks --stack-name greeter-${environment}-${stackLayer()} " +
                "--query \"Stacks[0].Outputs[?OutputKey=='${outputKey}'].OutputValue\" --output text").toString()
    }

    List<String> imagePush(String environment) {
        return [stackOutput(environment, 'RepositoryUri'), "make image RELEASE_VERSION=${VERSION}".toString(),
                "make push IMAGE_REPOSITORY=${repository(environment)} RELEASE_VERSION=${VERSION}".toString()]
    }

    static List<String> smokeRequests(String environment) {
        return smokeRequestsOf("${URLS[environment]}/api/hello".toString())
    }
}
