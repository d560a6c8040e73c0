package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** This repository's own Jenkinsfile, run against the library in this working tree. */
class JenkinsfileTest extends PipelineTestBase {

    private static final String JENKINSFILE = 'Jenkinsfile'
    private static final String ACCOUNT_AND_REGION = '123456789012-eu-west-1'
    private static final Map<String, String> URLS = [
            dev    : 'https://dev.timekeeper.example.com',
            staging: 'https://staging.timekeeper.example.com',
            prod   : 'https://timekeeper.example.com',
    ]

    /** The releasers' team as the controller names it for every build (jenkins/casc.yaml). */
    private static final String APPROVERS = 'example-org*timekeeper-releasers'

    private String version
    /** The service's platform contract (service.yml): what the pipeline must take from it. */
    private Map service

    @Before
    void checkOutThisRepository() {
        String pom = new File('../pom.xml').text
        workspaceFiles['pom.xml'] = pom
        workspaceFiles['service.yml'] = new File('../service.yml').text
        service = new org.yaml.snakeyaml.Yaml().load(workspaceFiles['service.yml']).service as Map
        String semver = (pom =~ /<revision>(\d+\.\d+\.\d+)/)[0][1]
        version = "${semver}-${BUILD_NUMBER}-${COMMIT.take(7)}"
        workspaceFiles["service/target/timekeeper-${version}.jar".toString()] = "timekeeper ${version} as built".toString()
        URLS.each { name, url -> shell.serveEnvironment(name, url) }
        URLS.keySet().each { name ->
            shell.stackOutputs["timekeeper-${name}-load-balancer.TargetGroupArn".toString()] = "arn:aws:tg/${name}".toString()
            shell.stackOutputs["timekeeper-${name}-network.VpcCidr".toString()] = '10.1.0.0/16'
            shell.stackOutputs["timekeeper-${name}-artifacts.SsmTransferBucketName".toString()] =
                    "timekeeper-${name}-ssm-transfer".toString()
            shell.stackOutputs["timekeeper-${name}-app.AutoScalingGroupName".toString()] = "timekeeper-${name}".toString()
            // what the pipeline no longer retypes: each environment's URL and bucket, from its stacks
            shell.stackOutputs["timekeeper-${name}-load-balancer.ServiceUrl".toString()] = URLS[name]
            shell.stackOutputs["timekeeper-${name}-artifacts.ArtifactBucketName".toString()] =
                    "timekeeper-${name}-artifacts-${ACCOUNT_AND_REGION}".toString()
        }
    }

    @Test
    void loadsTheLibraryFromThisRepositoryAtAPinnedTag() {
        givenBuildOf(BRANCH_NAME: 'feature/x')

        runScript(JENKINSFILE)

        assertEquals(1, libraryRequests.size())
        String pinned = libraryRequests[0]
        assertTrue(pinned, pinned ==~ /timekeeper@jenkins-lib-\d+\.\d+\.\d+/)
        Map retriever = helper.callStack.find { it.methodName == 'library' }.args[0].retriever.modernSCM
        assertEquals('jenkins-lib/', retriever.libraryPath)
        assertEquals('https://git.example.test/timekeeper.git', retriever.scm.remote)
    }

    @Test
    void mainBuildsTestsPackagesPublishesAndPromotesToProd() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JENKINSFILE)

        String jar = "service/target/timekeeper-${version}.jar"
        String bundle = "service/target/timekeeper-ansible-${version}.tar.gz"
        // the release layout of the contract, which the library's Release and Environment follow
        String key = layout(service.release.artifact_key, version)
        String bundleKey = layout(service.release.bundle_key, version)
        String releaseParameter = layout(service.release.parameter, version, 'dev')
        String devBucket = "timekeeper-dev-artifacts-${ACCOUNT_AND_REGION}"
        String outputQuery = '--query "Stacks[0].Outputs[?OutputKey==\'%s\'].OutputValue" --output text --region eu-west-1'
        List<String> expectedStart = [
                'mvn -B -ntp -pl service -am -DskipTests package',
                'make test',
                'git rev-parse HEAD',
                "mvn -B -ntp -pl service -am -DskipTests -Drevision=${version} package",
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-artifacts ' +
                        String.format(outputQuery, 'ArtifactBucketName'),
                "sha256sum < ${jar} | sed 's/ .*\$/  timekeeper-${version}.jar/' > ${jar}.sha256",
                "aws s3 cp ${jar} s3://${devBucket}/${key} --region eu-west-1",
                "aws s3 cp ${jar}.sha256 s3://${devBucket}/${key}.sha256 --region eu-west-1",
                "tar -czf ${bundle} --exclude=ansible/tests ansible service.yml",
                "sha256sum < ${bundle} | sed 's/ .*\$/  ${version}.tar.gz/' > ${bundle}.sha256",
                "aws s3 cp ${bundle} s3://${devBucket}/${bundleKey} --region eu-west-1",
                "aws s3 cp ${bundle}.sha256 s3://${devBucket}/${bundleKey}.sha256 --region eu-west-1",
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-load-balancer ' +
                        String.format(outputQuery, 'ServiceUrl'),
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-artifacts ' +
                        String.format(outputQuery, 'ArtifactBucketName'),
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-load-balancer ' +
                        String.format(outputQuery, 'TargetGroupArn'),
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-network ' +
                        String.format(outputQuery, 'VpcCidr'),
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-artifacts ' +
                        String.format(outputQuery, 'SsmTransferBucketName'),
                'aws cloudformation describe-stacks --stack-name timekeeper-dev-app ' +
                        String.format(outputQuery, 'AutoScalingGroupName'),
                ".venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/dev -e release_version=${version} " +
                        "-e rolling_deploy_batch_size=${service.rolling_deploy.batch_size} -e release_parameter=${releaseParameter} " +
                        "-e release_sha256=${sha256(workspaceFiles[jar])} -e release_bundle_sha256=${sha256(workspaceFiles[bundle])} " +
                        "-e artifact_bucket=${devBucket} -e target_group_arn=arn:aws:tg/dev -e vpc_cidr=10.1.0.0/16 " +
                        '-e ssm_transfer_bucket=timekeeper-dev-ssm-transfer -e auto_scaling_group_name=timekeeper-dev',
                "curl -sS -f -o /dev/null -D - --max-time 10 ${URLS.dev}${service.paths.smoke}",
        ]*.toString()
        assertEquals(expectedStart, commands().take(expectedStart.size()))
        assertEquals(['Checkout', 'Build', 'Test', 'Package', 'Publish', 'Deploy dev', 'Smoke dev',
                      'Deploy staging', 'Smoke staging', 'Approve prod', 'Deploy prod', 'Smoke prod'], eventsOf('stage'))
        assertEquals(["Deploy timekeeper ${version} to prod? (submitter: ${APPROVERS})".toString()],
                eventsOf('input'))
        // built on a build agent; published to dev and deployed to each environment from its own agents
        assertEquals(['build', 'deploy-dev', 'deploy-dev', 'deploy-staging', 'deploy-prod'], eventsOf('node'))
        assertEquals([dev: version, staging: version, prod: version], shell.fleetVersions)
        assertBuildSucceeded()
    }

    @Test
    void theContractsSmokePathAndBatchSizeReachTheDeploy() {
        workspaceFiles['service.yml'] = workspaceFiles['service.yml']
                .replace("smoke: ${service.paths.smoke}", 'smoke: /api/timezone/Europe/Oslo')
                .replace("batch_size: ${service.rolling_deploy.batch_size}", 'batch_size: 3')
        givenBuildOf(BRANCH_NAME: 'dev')

        runScript(JENKINSFILE)

        assertTrue(commands().any { it.contains("-e release_version=${version} -e rolling_deploy_batch_size=3 ") })
        assertTrue(commands().any { it.endsWith("${URLS.dev}/api/timezone/Europe/Oslo") })
        assertBuildSucceeded()
    }

    @Test
    void aFeatureBranchRunsMakeTestAndDeploysNothing() {
        givenBuildOf(BRANCH_NAME: 'feature/openapi-examples')

        runScript(JENKINSFILE)

        assertEquals(['mvn -B -ntp -pl service -am -DskipTests package', 'make test'], commands())
        assertTrue(shell.fleetVersions.isEmpty())
        assertFalse(events.any { it.startsWith('lock: ') || it.startsWith('input: ') })
    }

    /** A release layout of the contract ({service}/{version}/...) with this build's names filled in. */
    private static String layout(String template, String version, String environment = '') {
        return template.replace('{service}', 'timekeeper').replace('{version}', version)
                .replace('{environment}', environment)
    }

    @Override
    void givenBuildOf(Map<String, String> jenkinsEnvironment) {
        super.givenBuildOf([RELEASE_APPROVERS: APPROVERS] + jenkinsEnvironment)
    }
}
