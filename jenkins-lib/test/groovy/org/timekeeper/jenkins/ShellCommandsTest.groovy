package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals

import org.junit.Test

class ShellCommandsTest {

    @Test
    void theRollingDeployCommandIsThePlaybooksContract() {
        assertEquals('.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/prod ' +
                '-e release_version=1.0.0-57-3f2a9c1 -e rolling_deploy_batch_size=2',
                ShellCommands.rollingDeploy('inventory/prod', '1.0.0-57-3f2a9c1', 2))
    }

    @Test
    void extraPlaybookVariablesFollowTheContractOnes() {
        assertEquals('.venv/bin/ansible-playbook ansible/rolling_deploy.yml -i inventory/dev ' +
                '-e release_version=1.0.0 -e rolling_deploy_batch_size=1 -e target_group_arn=arn:aws:x/y -e msg=\'a b\'',
                ShellCommands.rollingDeploy('inventory/dev', '1.0.0', 1, [target_group_arn: 'arn:aws:x/y', msg: 'a b']))
    }

    @Test
    void readsOneStackOutputAsText() {
        assertEquals('aws cloudformation describe-stacks --stack-name timekeeper-prod-load-balancer ' +
                '--query "Stacks[0].Outputs[?OutputKey==\'TargetGroupArn\'].OutputValue" --output text --region eu-west-1',
                ShellCommands.stackOutput('timekeeper-prod-load-balancer', 'TargetGroupArn', 'eu-west-1'))
    }

    @Test
    void bundlesTheAnsibleFolderWithoutItsTests() {
        assertEquals('tar -czf service/target/timekeeper-ansible-1.0.0.tar.gz --exclude=ansible/tests ansible service.yml',
                ShellCommands.ansibleBundle(new Release('timekeeper', '1.0.0', 'service/target/timekeeper-1.0.0.jar')))
    }

    @Test
    void mavenBuildsTheModuleAndWhatItNeedsWithTheVersionBakedIn() {
        assertEquals('mvn -B -ntp -pl service -am -DskipTests -Drevision=1.2.3 package',
                ShellCommands.mavenPackage('service', '1.2.3'))
        assertEquals('mvn -B -ntp -DskipTests package', ShellCommands.mavenCompile(''))
    }

    @Test
    void copiesToAndFromBucketsInTheGivenRegion() {
        assertEquals('aws s3 cp a.jar s3://b/k.jar --region us-east-1', ShellCommands.s3Copy('a.jar', 's3://b/k.jar', 'us-east-1'))
    }

    @Test
    void theChecksumNamesThePublishedFile() {
        Release release = new Release('greeter', '2.0.1', 'app/target/greeter-app-2.0.1.jar')

        assertEquals("sha256sum < app/target/greeter-app-2.0.1.jar | sed 's/ .*\$/  greeter-2.0.1.jar/' " +
                '> app/target/greeter-app-2.0.1.jar.sha256',
                ShellCommands.checksum(release.jar, release.artifactName, release.checksumFile))
    }

    @Test
    void theChecksumCommandWritesWhatSha256sumCanVerify() {
        File directory = File.createTempDir()
        try {
            new File(directory, 'target').mkdir()
            new File(directory, 'target/greeter-app-2.0.1.jar').text = 'not really a jar'
            Release release = new Release('greeter', '2.0.1', 'target/greeter-app-2.0.1.jar')
            assertEquals(0, run(directory, ShellCommands.checksum(release.jar, release.artifactName, release.checksumFile)))
            String line = new File(directory, 'target/greeter-app-2.0.1.jar.sha256').text
            new File(directory, 'target/greeter-app-2.0.1.jar').renameTo(new File(directory, 'greeter-2.0.1.jar'))
            new File(directory, 'target/greeter-app-2.0.1.jar.sha256').renameTo(new File(directory, 'sums'))

            assertEquals('sha256sum -c accepts it under the published name', 0, run(directory, 'sha256sum -c --quiet sums'))
            assertEquals('the line the library reads the digest from',
                    java.security.MessageDigest.getInstance('SHA-256').digest('not really a jar'.bytes).encodeHex().toString(), Release.digestIn(line, 'greeter-2.0.1.jar'))
        } finally {
            directory.deleteDir()
        }
    }

    @Test
    void quotesWhatIsNotPlainlySafe() {
        assertEquals('s3://bucket/key.jar', ShellCommands.quote('s3://bucket/key.jar'))
        assertEquals("'https://x.test/ready?now=yes'", ShellCommands.quote('https://x.test/ready?now=yes'))
        assertEquals("'it'\"'\"'s'", ShellCommands.quote("it's"))
    }

    @Test
    void fetchesHeadersOnlyWithinATimeout() {
        assertEquals("curl -sS -f -o /dev/null -D - --max-time 7 'https://x.test/a?b'",
                ShellCommands.fetchHeaders('https://x.test/a?b', 7))
    }

    private static int run(File directory, String command) {
        Process process = new ProcessBuilder('sh', '-c', command).directory(directory).redirectErrorStream(true).start()
        process.inputStream.text
        return process.waitFor()
    }
}
