import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands

/**
 * Builds a Maven service and runs its tests, as the stages 'Build' and 'Test'. Test
 * reports are published even when the tests fail, so the failure is readable in Jenkins.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The Maven module of the service; built with what it depends on. '' builds the whole project.
            mavenModule: '',
            // The command that runs every test; a repository with its own test entry point names it here.
            testCommand: ShellCommands.MAVEN + ' verify',
            // The JUnit XML reports the tests leave behind.
            testReports: '**/target/surefire-reports/*.xml',
    ]
    Map config = Settings.merge('buildService', defaultConfig, settings)

    stage('Build') {
        sh ShellCommands.mavenCompile(config.mavenModule)
    }
    stage('Test') {
        try {
            sh config.testCommand
        } finally {
            junit(allowEmptyResults: true, testResults: config.testReports)
        }
    }
}
