package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The exact shell commands the steps run, built in one place so tests assert on them and
 * every value that reaches a shell is quoted. The values are validated before they get
 * here; the quoting is the second line of defence.
 */
class ShellCommands implements Serializable {

    private static final long serialVersionUID = 1L

    /** Maven, never asking questions and never drawing progress bars in the build log. */
    static final String MAVEN = 'mvn -B -ntp'
    static final String ANSIBLE_PLAYBOOK = '.venv/bin/ansible-playbook'
    static final String ROLLING_DEPLOY_PLAYBOOK = 'ansible/rolling_deploy.yml'
    /** The service's platform contract at the repository root; the playbooks read it (ansible/group_vars/all). */
    static final String CONTRACT_FILE = 'service.yml'
    /** Where deployEcsService writes the task definition revision it registers, in the workspace. */
    static final String ECS_TASK_DEFINITION_FILE = 'ecs-task-definition.json'

    /** The module's reactor selection: the module and what it depends on, or the whole build. */
    @NonCPS
    static String mavenModules(String module) {
        return module ? " -pl ${quote(module)} -am" : ''
    }

    @NonCPS
    static String mavenCompile(String module) {
        return "${MAVEN}${mavenModules(module)} -DskipTests package".toString()
    }

    /** The release jar with its version baked in (the CI-friendly {@code revision} property). */
    @NonCPS
    static String mavenPackage(String module, String version) {
        return "${MAVEN}${mavenModules(module)} -DskipTests -Drevision=${quote(version)} package".toString()
    }

    /**
     * Writes {@code <file>.sha256} in {@code sha256sum -c} format, naming the file as it is
     * published (e.g. {@code <service>-<version>.jar}), whatever the build called it.
     */
    @NonCPS
    static String checksum(String file, String publishedName, String checksumFile) {
        return ("sha256sum < ${quote(file)} | sed 's/ .*\$/  ${publishedName}/' " +
                "> ${quote(checksumFile)}").toString()
    }

    /** Uploads a file, or copies an object between buckets: either side may be s3:// or local. */
    @NonCPS
    static String s3Copy(String from, String to, String awsRegion) {
        return "aws s3 cp ${quote(from)} ${quote(to)}${region(awsRegion)}".toString()
    }

    /**
     * The rolling deploy. {@code release_version} and {@code rolling_deploy_batch_size} are
     * the variables ansible/rolling_deploy.yml reads (one name each from the pipeline to the
     * node). Extra variables (what the inventories need, e.g. the artifact bucket) follow in order.
     */
    @NonCPS
    static String rollingDeploy(String inventory, String version, int batchSize, Map<String, String> extraVars = [:]) {
        String extras = extraVars.collect { name, value -> " -e ${name}=${quote(value as String)}" }.join('')
        return ("${ANSIBLE_PLAYBOOK} ${ROLLING_DEPLOY_PLAYBOOK} -i ${quote(inventory)} " +
                "-e release_version=${quote(version)} -e rolling_deploy_batch_size=${batchSize}${extras}").toString()
    }

    /**
     * What an instance needs to bootstrap: the repository's ansible/ folder without its tests,
     * and the service's contract beside it, where ansible/group_vars/all/service.yml links to.
     */
    @NonCPS
    static String ansibleBundle(Release release) {
        return "tar -czf ${quote(release.bundleFile)} --exclude=ansible/tests ansible ${CONTRACT_FILE}".toString()
    }

    /** One output of a CloudFormation stack, as plain text ('None' when the stack has no such output). */
    @NonCPS
    static String stackOutput(String stack, String outputKey, String awsRegion) {
        return ("aws cloudformation describe-stacks --stack-name ${quote(stack)} " +
                "--query \"Stacks[0].Outputs[?OutputKey=='${outputKey}'].OutputValue\" --output text" +
                region(awsRegion)).toString()
    }

    /**
     * Builds the service's image under the release version, then pushes the same image (Jib
     * builds reproducibly) to a repository, tagged with the version: the repository's
     * Makefile targets, {@code make image} and {@code make push}.
     */
    @NonCPS
    static String imageBuild(String buildCommand, String version) {
        return "${buildCommand} RELEASE_VERSION=${quote(version)}".toString()
    }

    @NonCPS
    static String imagePush(String pushCommand, String repositoryUri, String version) {
        return "${pushCommand} IMAGE_REPOSITORY=${quote(repositoryUri)} RELEASE_VERSION=${quote(version)}".toString()
    }

    /** The task definition (ARN) an ECS service runs now. */
    @NonCPS
    static String ecsServiceTaskDefinition(String cluster, String service, String awsRegion) {
        return ("aws ecs describe-services --cluster ${quote(cluster)} --services ${quote(service)} " +
                "--query 'services[0].taskDefinition' --output text${region(awsRegion)}").toString()
    }

    /** One task definition revision as JSON, in the shape register-task-definition reads (plus read-only fields). */
    @NonCPS
    static String ecsDescribeTaskDefinition(String taskDefinitionArn, String awsRegion) {
        return ("aws ecs describe-task-definition --task-definition ${quote(taskDefinitionArn)} " +
                "--query taskDefinition --output json${region(awsRegion)}").toString()
    }

    /** Registers the revision written to a JSON file; prints the new revision's ARN. */
    @NonCPS
    static String ecsRegisterTaskDefinition(String jsonFile, String awsRegion) {
        return ("aws ecs register-task-definition --cli-input-json ${quote("file://${jsonFile}".toString())} " +
                "--query taskDefinition.taskDefinitionArn --output text${region(awsRegion)}").toString()
    }

    /** Starts a rolling deployment of the service onto a task definition revision (prints the service's name only). */
    @NonCPS
    static String ecsUpdateService(String cluster, String service, String taskDefinitionArn, String awsRegion) {
        return ("aws ecs update-service --cluster ${quote(cluster)} --service ${quote(service)} " +
                "--task-definition ${quote(taskDefinitionArn)} --query service.serviceName --output text" +
                region(awsRegion)).toString()
    }

    /**
     * The service's PRIMARY deployment as one line of text: task definition ARN, rollout state
     * and its reason, tab-separated (see {@link EcsRollout}).
     */
    @NonCPS
    static String ecsPrimaryDeployment(String cluster, String service, String awsRegion) {
        return ("aws ecs describe-services --cluster ${quote(cluster)} --services ${quote(service)} " +
                "--query \"services[0].deployments[?status=='PRIMARY'].[taskDefinition,rolloutState,rolloutStateReason]\" " +
                "--output text${region(awsRegion)}").toString()
    }

    /** Where deployEksService writes the cluster's kubeconfig, in the workspace: every kubectl command names it. */
    static final String KUBECONFIG_FILE = 'eks-kubeconfig'

    /** A kubeconfig for the EKS cluster (its token from `aws eks get-token`, the agent's AWS identity). */
    @NonCPS
    static String eksUpdateKubeconfig(String cluster, String awsRegion) {
        return "aws eks update-kubeconfig --name ${quote(cluster)} --kubeconfig ${KUBECONFIG_FILE}${region(awsRegion)}".toString()
    }

    /** Applies what a kustomization directory renders (kubectl's built-in kustomize). */
    @NonCPS
    static String kubectlApplyKustomization(String directory) {
        return "kubectl --kubeconfig ${KUBECONFIG_FILE} apply -k ${quote(directory)}".toString()
    }

    /** Waits until the Deployment's rollout completes; a non-zero exit when it fails or the timeout passes. */
    @NonCPS
    static String kubectlRolloutStatus(String namespace, String deployment, int timeoutSeconds) {
        return ("kubectl --kubeconfig ${KUBECONFIG_FILE} rollout status deployment/${quote(deployment)} " +
                "--namespace ${quote(namespace)} --timeout=${timeoutSeconds}s").toString()
    }

    /** Puts the Deployment's pod template back to its previous revision (a rollout of its own). */
    @NonCPS
    static String kubectlRolloutUndo(String namespace, String deployment) {
        return "kubectl --kubeconfig ${KUBECONFIG_FILE} rollout undo deployment/${quote(deployment)} --namespace ${quote(namespace)}".toString()
    }

    /** Response headers only (body discarded), failing on an HTTP error, bounded in time. */
    @NonCPS
    static String fetchHeaders(String url, int timeoutSeconds) {
        return "curl -sS -f -o /dev/null -D - --max-time ${timeoutSeconds} ${quote(url)}".toString()
    }

    /** Single-quotes a value for POSIX sh, unless it is plainly safe as it is. */
    @NonCPS
    static String quote(String value) {
        if (value ==~ /[A-Za-z0-9_.\/:=@%+-]+/) {
            return value
        }
        return "'${value.replace("'", "'\"'\"'")}'".toString()
    }

    @NonCPS
    private static String region(String awsRegion) {
        return awsRegion ? " --region ${quote(awsRegion)}" : ''
    }
}
