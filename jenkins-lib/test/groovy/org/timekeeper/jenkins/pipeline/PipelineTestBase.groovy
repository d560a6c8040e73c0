package org.timekeeper.jenkins.pipeline

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library

import org.junit.Before
import org.junit.runner.RunWith
import org.junit.runners.Parameterized

import com.lesfurets.jenkins.unit.PipelineTestHelper
import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS

/**
 * The one base of every pipeline test: registers the Jenkins steps the library uses,
 * with fakes that behave like Jenkins where it matters (a failing {@code sh} or
 * {@code error} throws, {@code input} can be refused, {@code lock} and {@code milestone}
 * are recorded), and loads the library from this working tree the way Jenkins does.
 *
 * Every test runs twice: under the CPS-transforming helper of {@link BasePipelineTestCPS}
 * (pipeline code is CPS-compiled and everything it holds is serialised at every step, as
 * Jenkins does when it checkpoints a build) and under the plain helper.
 */
@RunWith(Parameterized)
abstract class PipelineTestBase extends BasePipelineTestCPS {

    static final String LIBRARY = 'timekeeper'
    /** The commit every fake checkout is at. */
    static final String COMMIT = '3f2a9c1d5e6b7a8c9d0e1f2a3b4c5d6e7f8a9b0c'
    static final String BUILD_NUMBER = '57'
    /** A pom like the services this library ships: a CI-friendly version. */
    static final String SERVICE_POM = '''<project>
  <parent><groupId>org.example</groupId><artifactId>parent</artifactId><version>9.9.9</version></parent>
  <artifactId>greeter-parent</artifactId>
  <version>${revision}</version>
  <properties><revision>1.4.0-SNAPSHOT</revision></properties>
</project>'''

    /**
     * Both helpers by default; {@code -Dpipeline.helpers=plain} runs the quick half only,
     * for a fast edit-test loop (the CPS half serialises the whole program at every step).
     */
    @Parameterized.Parameters(name = '{0}')
    static List<Object[]> helpers() {
        return System.getProperty('pipeline.helpers', 'cps,plain').split(',').collect { [it] as Object[] }
    }

    @Parameterized.Parameter
    public String helperKind

    /** Shell commands in the order they ran, with the fake fleet behind them. */
    FakeShell shell
    /** The steps that order matters for, in the order they ran (stage, sh, input, lock, milestone...). */
    List<String> events = []
    /** Identifiers the Jenkinsfile's 'library' step asked for. */
    List<String> libraryRequests = []
    /** What the 'input' step answers: 'approve', 'refuse' or 'timeout'. */
    String approvalAnswer = 'approve'
    /** Workspace file contents, for readFile. */
    Map<String, String> workspaceFiles = [:]
    /** Workspace paths that do not exist; fileExists finds every other one (the build made it). */
    Set<String> missingFiles = []

    PipelineTestBase() {
        scriptRoots = ['test/jobs', '..'] as String[]
        scriptExtension = 'groovy'
        // Library classes are compiled from src/ by the pipeline's own class loader (and so
        // CPS-transformed under the CPS helper), never taken from Maven's compiled copy.
        baseClassLoader = new LibrarySourceClassLoader(getClass().classLoader)
    }

    @Before
    void setUpPipeline() {
        if (helperKind == 'plain') {
            helper = new PipelineTestHelper()
        }
        helper.registerSharedLibrary(library(LIBRARY)
                .defaultVersion('working-tree')
                .allowOverride(true)
                .implicit(false)
                .targetPath('.')
                .retriever(new WorkingTreeSource())
                .build())
        super.setUp()
        shell = new FakeShell(COMMIT)
        workspaceFiles = ['pom.xml': SERVICE_POM]
        binding.setVariable('env', [BRANCH_NAME: 'main', BUILD_NUMBER: BUILD_NUMBER])
        binding.setVariable('scm', [userRemoteConfigs: [[url: 'https://git.example.test/timekeeper.git',
                                                         credentialsId: 'git-read']]])
        binding.setVariable('currentBuild', [result: null, description: null])
        registerJenkinsSteps()
    }

    protected void registerJenkinsSteps() {
        helper.registerAllowedMethod('sh', [String]) { String script -> runShell([script: script]) }
        helper.registerAllowedMethod('sh', [Map]) { Map args -> runShell(args) }
        helper.registerAllowedMethod('error', [String]) { String message ->
            events << "error: ${message}".toString()
            updateBuildStatus('FAILURE')
            throw new StepFailedException(message)
        }
        helper.registerAllowedMethod('echo', [String]) { String message -> events << "echo: ${message}".toString() }
        helper.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body ->
            events << "stage: ${name}".toString()
            return helper.callClosure(body)
        }
        helper.registerAllowedMethod('node', [Closure]) { Closure body -> onNode('any', body) }
        helper.registerAllowedMethod('node', [String, Closure]) { String label, Closure body -> onNode(label, body) }
        helper.registerAllowedMethod('timeout', [Map, Closure]) { Map args, Closure body ->
            events << "timeout: ${args.time} ${args.unit}".toString()
            return helper.callClosure(body)
        }
        helper.registerAllowedMethod('lock', [Map, Closure]) { Map args, Closure body ->
            events << "lock: ${args.resource}".toString()
            try {
                return helper.callClosure(body)
            } finally {
                events << "unlock: ${args.resource}".toString()
            }
        }
        helper.registerAllowedMethod('milestone', [Map]) { Map args -> events << "milestone: ${args.label}".toString() }
        helper.registerAllowedMethod('input', [Map]) { Map args -> answerInput(args) }
        helper.registerAllowedMethod('sleep', [Map]) { Map args -> events << "sleep: ${args.time} ${args.unit}".toString() }
        helper.registerAllowedMethod('checkout', [Map]) { Map args -> events << 'checkout'.toString() }
        helper.registerAllowedMethod('stash', [Map]) { Map args -> events << "stash: ${args.name} ${args.includes}".toString() }
        helper.registerAllowedMethod('unstash', [String]) { String name -> events << "unstash: ${name}".toString() }
        helper.registerAllowedMethod('junit', [Map]) { Map args -> events << "junit: ${args.testResults}".toString() }
        helper.registerAllowedMethod('archiveArtifacts', [Map]) { Map args ->
            events << "archive: ${args.artifacts}".toString()
        }
        helper.registerAllowedMethod('fileExists', [String]) { String path -> !missingFiles.contains(path) }
        helper.registerAllowedMethod('readFile', [String]) { String path ->
            if (!workspaceFiles.containsKey(path)) {
                throw new FileNotFoundException(path)
            }
            return workspaceFiles[path]
        }
        // readTrusted reads a file of the build's revision without an agent: here, the workspace's.
        helper.registerAllowedMethod('readTrusted', [String]) { String path ->
            if (!workspaceFiles.containsKey(path)) {
                throw new FileNotFoundException(path)
            }
            return workspaceFiles[path]
        }
        // pipeline-utility-steps parses with SnakeYAML too.
        helper.registerAllowedMethod('readYaml', [Map]) { Map args -> new org.yaml.snakeyaml.Yaml().load(args.text as String) }
        // pipeline-utility-steps' JSON steps; the classic parser's maps and lists serialise like Jenkins' own.
        helper.registerAllowedMethod('readJSON', [Map]) { Map args -> new groovy.json.JsonSlurperClassic().parseText(args.text as String) }
        helper.registerAllowedMethod('writeJSON', [Map]) { Map args ->
            events << "writeJSON: ${args.file}".toString()
            workspaceFiles[args.file as String] = groovy.json.JsonOutput.toJson(args.json)
        }
        helper.registerAllowedMethod('writeFile', [Map]) { Map args ->
            events << "writeFile: ${args.file}".toString()
            workspaceFiles[args.file as String] = args.text as String
        }
        helper.registerAllowedMethod('modernSCM', [Map]) { Map args -> [modernSCM: args] }
        helper.registerAllowedMethod('library', [Map]) { Map args -> loadLibraryStep(args) }
    }

    protected Object runShell(Map args) {
        events << "sh: ${args.script}".toString()
        FakeShell.Result result = shell.run(args.script as String)
        if (result.status == 0) {
            leaveFilesInWorkspace(args.script as String)
        }
        if (args.returnStatus) {
            return result.status
        }
        if (result.status != 0) {
            // What Jenkins' sh step does with a non-zero exit status.
            throw new StepFailedException("script returned exit code ${result.status}")
        }
        return args.returnStdout ? result.stdout : null
    }

    /**
     * What the library's file-making commands leave in the workspace, as the real tools
     * would: tar a bundle (its bytes name what it holds), sha256sum a checksum line of the
     * file's real digest under the published name, or, as sh does when the input file is
     * missing, an empty file.
     */
    protected void leaveFilesInWorkspace(String script) {
        def tar = script =~ /^tar -czf (\S+) (.*)$/
        if (tar.find()) {
            workspaceFiles[tar.group(1)] = "tar.gz of ${tar.group(2)}".toString()
        }
        def checksum = script =~ /^sha256sum < (\S+) \| sed 's\/ \.\*\$\/  (\S+)\/' > (\S+)$/
        if (checksum.find()) {
            String input = workspaceFiles[checksum.group(1)]
            workspaceFiles[checksum.group(3)] = input == null ? '' : "${sha256(input)}  ${checksum.group(2)}\n".toString()
        }
    }

    static String sha256(String content) {
        return java.security.MessageDigest.getInstance('SHA-256').digest(content.getBytes('UTF-8')).encodeHex().toString()
    }

    protected Object onNode(String label, Closure body) {
        events << "node: ${label}".toString()
        return helper.callClosure(body)
    }

    protected Object answerInput(Map args) {
        events << "input: ${args.message} (submitter: ${args.submitter})".toString()
        switch (approvalAnswer) {
            case 'approve':
                return null
            case 'refuse':
                throw new FlowInterruptedException('Rejected by release-manager')
            case 'timeout':
                throw new FlowInterruptedException('Timeout has been exceeded')
            default:
                throw new IllegalStateException("unknown approval answer ${approvalAnswer}")
        }
    }

    /** The dynamic 'library' step: loads the library like the @Library annotation, then exposes its vars. */
    protected Object loadLibraryStep(Map args) {
        libraryRequests << (args.identifier as String)
        helper.libLoader.loadLibrary(args.identifier as String)
        helper.setGlobalVars(binding)
        return null
    }

    /** Runs a fixture pipeline that must fail, and returns what it failed with. */
    Throwable runFailingJob(String name) {
        try {
            runScript(name)
        } catch (Throwable failure) {
            return rootOf(failure)
        }
        throw new AssertionError("${name} was expected to fail, and it succeeded; events:\n${events.join('\n')}")
    }

    /** The CPS helper wraps what a pipeline throws; the test wants the step's own failure. */
    static Throwable rootOf(Throwable failure) {
        Throwable cause = failure
        while (cause.cause != null && cause.cause != cause &&
                !(cause instanceof StepFailedException || cause instanceof FlowInterruptedException ||
                        cause instanceof IllegalArgumentException)) {
            cause = cause.cause
        }
        return cause
    }

    /** What smokeTest runs on its defaults: five requests of one URL. */
    static List<String> smokeRequestsOf(String url) {
        return (1..5).collect { "curl -sS -f -o /dev/null -D - --max-time 10 ${url}".toString() }
    }

    /** The shell commands that ran, in order. */
    List<String> commands() {
        return shell.commands
    }

    /** The events of one kind (e.g. 'stage'), without the kind, in order. */
    List<String> eventsOf(String kind) {
        String prefix = "${kind}: "
        return events.findAll { it.startsWith(prefix) }.collect { it.substring(prefix.length()) }
    }

    /** Jenkins leaves the result unset (null) while a build goes well; the post action reports SUCCESS. */
    void assertBuildSucceeded() {
        org.junit.Assert.assertTrue("result ${buildResult()}".toString(), buildResult() in [null, 'SUCCESS'])
        org.junit.Assert.assertTrue("description ${buildDescription()}".toString(), buildDescription().contains(': SUCCESS,'))
    }

    String buildResult() {
        return binding.getVariable('currentBuild').result
    }

    String buildDescription() {
        return binding.getVariable('currentBuild').description
    }

    /** The settings a fixture job passes to the step it calls. */
    void givenStepSettings(Map settings) {
        binding.setVariable('stepSettings', settings)
    }

    /** What Jenkins tells the build about its branch: BRANCH_NAME, CHANGE_ID, TAG_NAME. */
    void givenBuildOf(Map<String, String> jenkinsEnvironment) {
        binding.setVariable('env', [BUILD_NUMBER: BUILD_NUMBER] + jenkinsEnvironment)
    }
}
