package org.timekeeper.jenkins.pipeline

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertTrue

import org.junit.Before
import org.junit.Test

/** The whole pipeline, driven by the Jenkinsfile of a service other than timekeeper. */
class ShipServiceTest extends PipelineTestBase {

    private static final String JOB = 'shipServiceTestJob.groovy'
    private static final String SETTINGS_JOB = 'shipServiceSettingsTestJob.groovy'
    private static final String VERSION = '1.4.0-57-3f2a9c1'
    private static final String JAR = "target/greeter-${VERSION}.jar"
    private static final Map<String, String> URLS = [
            dev    : 'https://greeter.dev.example.test',
            staging: 'https://greeter.staging.example.test',
            prod   : 'https://greeter.example.test',
    ]
    private static final Map<String, String> BUCKETS = [
            dev    : 'greeter-dev-artifacts',
            staging: 'greeter-staging-artifacts',
            prod   : 'greeter-prod-artifacts',
    ]

    /** What the release builds leave in the workspace, as their bytes; their digests travel to the nodes. */
    private static final Map<String, String> JARS = [
            (JAR)                                 : "greeter ${VERSION} as built".toString(),
            ("app/target/greeter-app-${VERSION}.jar".toString()): "greeter-app ${VERSION} as built".toString(),
            'target/greeter-1.5.0.jar'            : 'greeter 1.5.0 as built',
    ]

    @Before
    void serveTheEnvironments() {
        URLS.each { name, url -> shell.serveEnvironment(name, url) }
        workspaceFiles.putAll(JARS)
    }

    @Test
    void mainBranchPromotesOneArtifactThroughDevAndStagingToProd() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        List<String> expected = [
                'mvn -B -ntp -DskipTests package',
                'mvn -B -ntp verify',
                'git rev-parse HEAD',
                "mvn -B -ntp -DskipTests -Drevision=${VERSION} package",
                "sha256sum < ${JAR} | sed 's/ .*\$/  greeter-${VERSION}.jar/' > ${JAR}.sha256",
                "aws s3 cp ${JAR} s3://greeter-dev-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar",
                "aws s3 cp ${JAR}.sha256 s3://greeter-dev-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar.sha256",
                "${playbook('dev')}",
        ] + smokeRequests('dev') + [
                "aws s3 cp s3://greeter-dev-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar " +
                        "s3://greeter-staging-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar",
                "aws s3 cp s3://greeter-dev-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar.sha256 " +
                        "s3://greeter-staging-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar.sha256",
                "${playbook('staging')}",
        ] + smokeRequests('staging') + [
                "aws s3 cp s3://greeter-staging-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar " +
                        "s3://greeter-prod-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar",
                "aws s3 cp s3://greeter-staging-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar.sha256 " +
                        "s3://greeter-prod-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar.sha256",
                "${playbook('prod')}",
        ] + smokeRequests('prod')
        assertEquals(expected*.toString(), commands())
        assertEquals(['Checkout', 'Build', 'Test', 'Package', 'Publish',
                      'Deploy dev', 'Smoke dev', 'Deploy staging', 'Smoke staging',
                      'Approve prod', 'Deploy prod', 'Smoke prod'], eventsOf('stage'))
        assertBuildSucceeded()
        assertEquals("greeter ${VERSION}: SUCCESS, deployed to dev, staging, prod".toString(), buildDescription())
    }

    @Test
    void everyPlayIsToldWhereToRecordTheReleaseAndTheDigestsOfWhatThisBuildMade() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        List<String> plays = commands().findAll { it.contains('ansible-playbook') }
        assertEquals(3, plays.size())
        ['dev', 'staging', 'prod'].eachWithIndex { String environment, int i ->
            assertTrue(plays[i], plays[i].contains(("-e release_parameter=/greeter/${environment}/release " +
                    "-e release_sha256=${sha256(JARS[JAR])} -e release_bundle_sha256='' ").toString()))
        }
        assertFalse('the play records the release, the pipeline no more', commands().any { it.startsWith('aws ssm') })
    }

    @Test
    void theArtifactIsBuiltAndUploadedOnceAndEveryEnvironmentGetsTheSameVersion() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        assertEquals(1, commands().count { it.contains('-Drevision=') })
        assertEquals(1, commands().count { it.startsWith("aws s3 cp ${JAR} ") })
        assertEquals([dev: VERSION, staging: VERSION, prod: VERSION], shell.fleetVersions)
    }

    @Test
    void prodIsDeployedOnlyAfterApprovalAndNothingWaitsForApprovalOnAnAgent() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        int approval = events.findIndexOf { it.startsWith('input: ') }
        int prodDeploy = events.findIndexOf { it == "sh: ${playbook('prod')}".toString() }
        int stagingSmoke = events.findLastIndexOf { it.startsWith('sh: curl') && it.contains(URLS.staging) }
        assertTrue('approval after staging is proven', stagingSmoke < approval)
        assertTrue('prod deploy after approval', approval < prodDeploy)
        assertEquals("Deploy greeter ${VERSION} to prod? (submitter: null)".toString(), eventsOf('input')[0])
        List<String> aroundApproval = events.subList(events.indexOf('stage: Approve prod'), approval + 1)
        assertFalse('no agent is held while waiting', aroundApproval.any { it.startsWith('node: ') })
    }

    @Test
    void refusedApprovalAbortsTheBuildAndLeavesProdAlone() {
        givenBuildOf(BRANCH_NAME: 'main')
        approvalAnswer = 'refuse'

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof FlowInterruptedException)
        assertEquals([dev: VERSION, staging: VERSION], shell.fleetVersions)
        assertFalse(commands().any { it.contains('prod') })
        assertEquals('ABORTED', buildResult())
        assertEquals("greeter ${VERSION}: ABORTED, deployed to dev, staging; stopped at Approve prod".toString(),
                buildDescription())
    }

    @Test
    void unansweredApprovalTimesOutAndLeavesProdAlone() {
        givenBuildOf(BRANCH_NAME: 'main')
        approvalAnswer = 'timeout'

        runFailingJob(JOB)

        int approval = events.findIndexOf { it.startsWith('input: ') }
        assertEquals('timeout: 60 MINUTES', events[approval - 1])
        assertFalse(commands().any { it.contains('prod') })
        assertEquals('ABORTED', buildResult())
    }

    @Test
    void featureBranchBuildsAndTestsOnly() {
        givenBuildOf(BRANCH_NAME: 'feature/leap-seconds')

        runScript(JOB)

        assertEquals(['mvn -B -ntp -DskipTests package', 'mvn -B -ntp verify'], commands())
        assertEquals(['Checkout', 'Build', 'Test'], eventsOf('stage'))
        assertTrue(eventsOf('lock').isEmpty())
        assertTrue(eventsOf('input').isEmpty())
        assertEquals('greeter: SUCCESS, deployed nowhere', buildDescription())
    }

    @Test
    void pullRequestBuildsAndTestsOnlyEvenWhenItTargetsMain() {
        givenBuildOf(BRANCH_NAME: 'PR-12', CHANGE_ID: '12', CHANGE_TARGET: 'main')

        runScript(JOB)

        assertEquals(['mvn -B -ntp -DskipTests package', 'mvn -B -ntp verify'], commands())
        assertTrue(shell.fleetVersions.isEmpty())
    }

    @Test
    void devBranchDeploysToDevOnly() {
        givenBuildOf(BRANCH_NAME: 'dev')

        runScript(JOB)

        assertEquals([dev: VERSION], shell.fleetVersions)
        assertEquals(['greeter-dev-deploy'], eventsOf('lock'))
        assertTrue(eventsOf('input').isEmpty())
        assertFalse(commands().any { it.contains('staging') || it.contains('prod') })
    }

    @Test
    void stagingBranchPromotesThroughDevToStagingWithoutApproval() {
        givenBuildOf(BRANCH_NAME: 'staging')

        runScript(JOB)

        assertEquals([dev: VERSION, staging: VERSION], shell.fleetVersions)
        assertEquals(['Deploy dev', 'Smoke dev', 'Deploy staging', 'Smoke staging'],
                eventsOf('stage').findAll { it.startsWith('Deploy') || it.startsWith('Smoke') })
        assertTrue(eventsOf('input').isEmpty())
        assertFalse(commands().any { it.contains('prod') })
    }

    @Test
    void releaseTagIsTheVersionAndGoesToProd() {
        givenBuildOf(BRANCH_NAME: 'v1.5.0', TAG_NAME: 'v1.5.0')

        runScript(JOB)

        assertEquals([dev: '1.5.0', staging: '1.5.0', prod: '1.5.0'], shell.fleetVersions)
        assertFalse('a tag build needs no commit id', commands().contains('git rev-parse HEAD'))
        assertTrue(commands().contains('mvn -B -ntp -DskipTests -Drevision=1.5.0 package'))
    }

    @Test
    void eachEnvironmentIsDeployedUnderItsLockAfterItsMilestone() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        for (String environment in ['dev', 'staging', 'prod']) {
            int lock = events.indexOf("lock: greeter-${environment}-deploy".toString())
            int milestone = events.indexOf("milestone: Deploy ${environment}".toString())
            int play = events.indexOf("sh: ${playbook(environment)}".toString())
            int smoke = events.findLastIndexOf { it.startsWith('sh: curl') && it.contains(URLS[environment]) }
            int unlock = events.indexOf("unlock: greeter-${environment}-deploy".toString())
            assertTrue("${environment}: lock, milestone, play, smoke, unlock in order: ${events}",
                    0 <= lock && lock < milestone && milestone < play && play < smoke && smoke < unlock)
        }
        assertEquals(['Approve prod', 'Approved prod'], eventsOf('milestone').findAll { it.startsWith('Approv') })
    }

    @Test
    void everyPhaseIsBoundedByATimeout() {
        givenBuildOf(BRANCH_NAME: 'main')

        runScript(JOB)

        // build, then per environment deploy and smoke, and the approval in between
        assertEquals(['60 MINUTES',
                      '45 MINUTES', '5 MINUTES', '45 MINUTES', '5 MINUTES',
                      '60 MINUTES', '45 MINUTES', '5 MINUTES'], eventsOf('timeout'))
    }

    @Test
    void aFailedPlayFailsTheBuildAndSkipsEveryLaterStage() {
        givenBuildOf(BRANCH_NAME: 'main')
        shell.failWhen(/ansible-playbook .* -i inventory\/staging /, 2)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure instanceof StepFailedException)
        assertTrue(failure.message, failure.message.startsWith(
                "rollingDeploy: ansible-playbook exited 2 deploying ${VERSION} to staging"))
        assertFalse('the play puts the release record back itself', commands().any { it.startsWith('aws ssm') })
        assertFalse(commands().any { it.contains(URLS.staging) })
        assertEquals('Deploy staging', eventsOf('stage').last())
        assertTrue(eventsOf('input').isEmpty())
        assertFalse(commands().any { it.contains('prod') })
        assertEquals(['greeter-dev-deploy', 'greeter-staging-deploy'], eventsOf('unlock'))
        assertEquals('FAILURE', buildResult())
        assertEquals("greeter ${VERSION}: FAILURE, deployed to dev; stopped at Deploy staging".toString(),
                buildDescription())
    }

    @Test
    void failingTestsStopTheBuildBeforeAnythingIsPackaged() {
        givenBuildOf(BRANCH_NAME: 'main')
        shell.failWhen(/^mvn -B -ntp verify$/, 1)

        runFailingJob(JOB)

        assertEquals(['mvn -B -ntp -DskipTests package', 'mvn -B -ntp verify'], commands())
        assertEquals('test reports are published all the same', ['**/target/surefire-reports/*.xml'], eventsOf('junit'))
        assertEquals('FAILURE', buildResult())
        assertEquals('greeter: FAILURE, deployed nowhere; stopped at Build and test', buildDescription())
    }

    @Test
    void aFailedSmokeTestStopsThePromotion() {
        givenBuildOf(BRANCH_NAME: 'main')
        shell.failWhen(/curl .*greeter\.dev\.example\.test/, 22)

        Throwable failure = runFailingJob(JOB)

        assertTrue(failure.message, failure.message.contains('did not answer successfully'))
        assertEquals([dev: VERSION], shell.fleetVersions)
        assertEquals('Smoke dev', eventsOf('stage').last())
        assertEquals('FAILURE', buildResult())
        assertEquals("greeter ${VERSION}: FAILURE, deployed nowhere; stopped at Smoke dev".toString(), buildDescription())
    }

    @Test
    void eachEnvironmentIsPublishedToAndDeployedFromItsOwnAgentsAndTheBuildFromBuildAgents() {
        givenBuildOf(BRANCH_NAME: 'main')
        givenStepSettings(greeterSettings() + [agentLabel: 'build', deployAgentLabel: 'deploy-{environment}'])

        runScript(SETTINGS_JOB)

        assertEquals(['build', 'deploy-dev', 'deploy-dev', 'deploy-staging', 'deploy-prod'], eventsOf('node'))
        String jar = JAR
        // the jar goes by stash from the build agent to the publishing one, which uploads it
        List<String> handOver = events.findAll { it.startsWith('node: ') || it.startsWith('stash: ') ||
                it.startsWith('unstash: ') || it.startsWith('stage: Publish') || it.startsWith('stage: Package') }
        assertEquals(['node: build', 'stage: Package', "stash: release ${jar}".toString(), 'node: deploy-dev',
                      'unstash: release', 'stage: Publish', 'node: deploy-dev', 'node: deploy-staging',
                      'node: deploy-prod'], handOver)
        assertEquals([dev: VERSION, staging: VERSION, prod: VERSION], shell.fleetVersions)
        assertBuildSucceeded()
    }

    @Test
    void pullRequestsRunOnBuildAgentsAlone() {
        givenBuildOf(BRANCH_NAME: 'PR-12', CHANGE_ID: '12', CHANGE_TARGET: 'main')
        givenStepSettings(greeterSettings() + [agentLabel: 'build', deployAgentLabel: 'deploy-{environment}'])

        runScript(SETTINGS_JOB)

        assertEquals(['build'], eventsOf('node'))
        assertTrue(eventsOf('stash').isEmpty())
    }

    @Test
    void settingsAreHandedToTheSteps() {
        givenBuildOf(BRANCH_NAME: 'dev')
        givenStepSettings(greeterSettings() + [batchSize: 3, agentLabel: 'linux-amd64', awsRegion: 'eu-west-1',
                                               smokePath: '/api/hello', mavenModule: 'app', artifactId: 'greeter-app',
                                               testCommand: 'make test'])

        runScript(SETTINGS_JOB)

        assertTrue(commands().contains('make test'))
        assertTrue(commands().contains("mvn -B -ntp -pl app -am -DskipTests -Drevision=${VERSION} package".toString()))
        assertTrue(commands().contains(("aws s3 cp app/target/greeter-app-${VERSION}.jar " +
                "s3://greeter-dev-artifacts/greeter/${VERSION}/greeter-${VERSION}.jar --region eu-west-1").toString()))
        assertTrue(commands().contains((".venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/dev " +
                "-e release_version=${VERSION} -e rolling_deploy_batch_size=3 -e release_parameter=/greeter/dev/release " +
                "-e release_sha256=${sha256(JARS["app/target/greeter-app-${VERSION}.jar".toString()])} " +
                "-e release_bundle_sha256='' -e artifact_bucket=greeter-dev-artifacts").toString()))
        assertTrue(commands().any { it.startsWith('curl ') && it.endsWith(" ${URLS.dev}/api/hello") })
        assertEquals(['linux-amd64', 'linux-amd64'], eventsOf('node'))
    }

    @Test
    void anAgentWithoutAnsibleGetsItFromTheSetupCommandBeforeThePlay() {
        givenBuildOf(BRANCH_NAME: 'dev')
        givenStepSettings(greeterSettings() + [ansibleSetupCommand: 'python3.11 -m venv .venv && make venv'])
        missingFiles << '.venv/bin/ansible-playbook'

        runScript(SETTINGS_JOB)

        int setup = commands().indexOf('python3.11 -m venv .venv && make venv')
        assertTrue(0 <= setup && setup == commands().indexOf(playbook('dev')) - 1)
    }

    @Test
    void stackOutputsBecomePlaybookVariablesOfEachEnvironment() {
        givenBuildOf(BRANCH_NAME: 'staging')
        givenStepSettings(greeterSettings() + [stackOutputVars: [target_group_arn: 'load-balancer.TargetGroupArn']])
        shell.stackOutputs['greeter-dev-load-balancer.TargetGroupArn'] = 'arn:aws:elasticloadbalancing:tg/greeter-dev'
        shell.stackOutputs['greeter-staging-load-balancer.TargetGroupArn'] = 'arn:aws:elasticloadbalancing:tg/greeter-staging'

        runScript(SETTINGS_JOB)

        assertEquals(['greeter-dev-load-balancer', 'greeter-staging-load-balancer'],
                commands().findAll { it.startsWith('aws cloudformation ') }.collect { (it =~ /--stack-name (\S+)/)[0][1] })
        assertTrue(commands().contains(("${playbook('staging')} " +
                '-e target_group_arn=arn:aws:elasticloadbalancing:tg/greeter-staging').toString()))
    }

    @Test
    void aMissingStackOutputStopsTheDeployBeforeThePlay() {
        givenBuildOf(BRANCH_NAME: 'dev')
        givenStepSettings(greeterSettings() + [stackOutputVars: [vpc_cidr: 'network.VpcCidr']])

        Throwable failure = runFailingJob(SETTINGS_JOB)

        assertEquals('shipService: stack greeter-dev-network has no output VpcCidr (for vpc_cidr)', failure.message)
        assertTrue(shell.fleetVersions.isEmpty())
    }

    @Test
    void theAnsibleBundleTravelsWithTheRelease() {
        givenBuildOf(BRANCH_NAME: 'staging')
        givenStepSettings(greeterSettings() + [ansibleBundle: true])

        runScript(SETTINGS_JOB)

        String bundle = "target/greeter-ansible-${VERSION}.tar.gz"
        assertEquals([
                "tar -czf ${bundle} --exclude=ansible/tests ansible service.yml",
                "sha256sum < ${bundle} | sed 's/ .*\$/  ${VERSION}.tar.gz/' > ${bundle}.sha256",
                "aws s3 cp ${bundle} s3://greeter-dev-artifacts/greeter/ansible/${VERSION}.tar.gz",
                "aws s3 cp ${bundle}.sha256 s3://greeter-dev-artifacts/greeter/ansible/${VERSION}.tar.gz.sha256",
                "aws s3 cp s3://greeter-dev-artifacts/greeter/ansible/${VERSION}.tar.gz " +
                        "s3://greeter-staging-artifacts/greeter/ansible/${VERSION}.tar.gz",
                "aws s3 cp s3://greeter-dev-artifacts/greeter/ansible/${VERSION}.tar.gz.sha256 " +
                        "s3://greeter-staging-artifacts/greeter/ansible/${VERSION}.tar.gz.sha256",
        ]*.toString(), commands().findAll { it.contains('greeter-ansible-') || it.contains('/ansible/') })
        String bundleSha256 = sha256(workspaceFiles[bundle])
        assertEquals('both plays check the bundle this build made', 2, commands().count {
            it.contains('ansible-playbook') && it.contains(" -e release_bundle_sha256=${bundleSha256} ".toString())
        })
    }

    @Test
    void invalidSettingsFailBeforeAnythingRunsAndNameTheKey() {
        Map<Map, String> badSettings = [
                ([service: null])                               : "missing required setting 'service'",
                ([servce: 'greeter'])                           : "unknown setting 'servce'",
                ([batchSize: '2'])                          : "setting 'batchSize' must be a whole number",
                ([batchSize: 0])                            : "setting 'batchSize' must be a whole number of at least 1",
                ([service: 'Greeter'])                          : "setting 'service' must be a lower-case name",
                ([environmentUrls: URLS.findAll { it.key != 'staging' }]): "setting 'environmentUrls' needs an http(s) URL for 'staging'",
                ([artifactBuckets: BUCKETS + [prod: 's3://x']]) : "setting 'artifactBuckets' needs an S3 bucket name for 'prod'",
                ([branchEnvironments: [main: 'production']])    : "setting 'branchEnvironments' sends branch 'main' to 'production'",
                ([approvalEnvironments: ['qa']])                : "setting 'approvalEnvironments' has 'qa'",
                ([stackOutputVars: [tg: 'TargetGroupArn']])     : "setting 'stackOutputVars' reads 'tg' from 'TargetGroupArn'",
                ([deployAgentLabel: 'deploy'])                  : "setting 'deployAgentLabel' must be a label naming '{environment}'",
        ]
        badSettings.each { Map change, String expectedMessage ->
            setUpPipeline()
            givenStepSettings(greeterSettings() + change)

            Throwable failure = runFailingJob(SETTINGS_JOB)

            assertTrue("${change}: ${failure}".toString(), failure instanceof IllegalArgumentException)
            assertTrue("${change}: ${failure.message}".toString(),
                    failure.message.startsWith('shipService: ') && failure.message.contains(expectedMessage))
            assertTrue(commands().isEmpty())
            assertTrue(eventsOf('node').isEmpty())
        }
    }

    private static Map greeterSettings() {
        return [service: 'greeter', smokePath: '/api/hello', environmentUrls: URLS, artifactBuckets: BUCKETS]
    }

    /** The play of one environment, for the main job's jar and no bundle. */
    private static String playbook(String environment) {
        return (".venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/${environment} " +
                "-e release_version=${VERSION} -e rolling_deploy_batch_size=1 -e release_parameter=/greeter/${environment}/release " +
                "-e release_sha256=${sha256(JARS[JAR])} -e release_bundle_sha256='' " +
                "-e artifact_bucket=${BUCKETS[environment]}").toString()
    }

    private static List<String> smokeRequests(String environment) {
        return smokeRequestsOf("${URLS[environment]}/api/hello".toString())
    }
}
