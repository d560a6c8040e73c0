import org.timekeeper.jenkins.Environment
import org.timekeeper.jenkins.ReleaseVersion
import org.timekeeper.jenkins.Settings
import org.timekeeper.jenkins.ShellCommands
import org.timekeeper.jenkins.StackOutputVariable

/**
 * Builds the service's image under the release version and pushes it to an environment's
 * ECR repository (the output RepositoryUri of its ECS stack), tagged with the version.
 * Jib builds the image reproducibly, so every environment's push of one release from one
 * commit is the same image. Returns the image reference, {@code <repository URI>:<version>}.
 */
def call(Map settings = [:]) {
    def defaultConfig = [
            // The service's name: its ECS stack is <service>-<environment>-<ecsStackLayer>.
            service: null,
            // The environment whose repository the image is pushed to.
            environment: null,
            // The release version: the image's tag and what the service reports as its version.
            version: null,
            // The layer of the ECS stack, whose output RepositoryUri names the repository.
            ecsStackLayer: 'ecs',
            // Builds the image; gets RELEASE_VERSION=<version>.
            buildCommand: 'make image',
            // Pushes the built image; gets IMAGE_REPOSITORY=<repository URI> RELEASE_VERSION=<version>.
            pushCommand: 'make push',
            // The AWS region of the stack. '' is the agent's default.
            awsRegion: '',
    ]
    Map config = Settings.merge('publishImage', defaultConfig, settings)
    Settings.serviceAndEnvironment('publishImage', config)
    Settings.matching('publishImage', 'version', config.version, ReleaseVersion.VERSION_PATTERN, 'a release version')
    Settings.matching('publishImage', 'ecsStackLayer', config.ecsStackLayer, Environment.NAME_PATTERN,
            'a stack layer name')

    String repository = new StackOutputVariable('RepositoryUri', config.ecsStackLayer, 'RepositoryUri').read(
            this, 'publishImage', config.service, Environment.named(config.environment), config.awsRegion)
    sh ShellCommands.imageBuild(config.buildCommand, config.version)
    sh ShellCommands.imagePush(config.pushCommand, repository, config.version)
    String image = "${repository}:${config.version}".toString()
    echo "publishImage: pushed ${image}"
    return image
}
