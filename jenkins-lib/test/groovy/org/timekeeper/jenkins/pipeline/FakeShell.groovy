package org.timekeeper.jenkins.pipeline

/**
 * The shell of a fake agent: records every command, answers git and curl the way the
 * real tools would, and keeps a fake fleet per environment so a smoke test sees the
 * version the last successful rolling deploy installed there. Commands can be made to fail.
 */
class FakeShell {

    static class Result {
        final int status
        final String stdout

        Result(int status, String stdout) {
            this.status = status
            this.stdout = stdout
        }
    }

    final List<String> commands = []
    /** Environment name to the version its fleet serves. */
    final Map<String, String> fleetVersions = [:]
    /** Public URL prefix to the environment behind it. */
    final Map<String, String> environmentsByUrl = [:]
    /** '<stack>.<OutputKey>' to its value, for aws cloudformation describe-stacks. */
    final Map<String, String> stackOutputs = [:]
    private final Map<String, Integer> failures = [:]
    /** Command pattern to the exit statuses of its next runs; the last one answers every run after it. */
    private final Map<String, List<Integer>> statuses = [:]
    /** Command pattern to the outputs of its next runs; the last one answers every run after it. */
    private final Map<String, List<String>> answers = [:]
    private final String commit

    FakeShell(String commit) {
        this.commit = commit
    }

    /** Every command matching the regular expression exits with this status. */
    void failWhen(String commandPattern, int status) {
        failures[commandPattern] = status
    }

    /**
     * Every command matching the regular expression prints these outputs, one per run, in
     * order; the last one again for every later run (e.g. a rollout IN_PROGRESS, then COMPLETED).
     */
    void answer(String commandPattern, String... outputs) {
        answers[commandPattern] = new ArrayList<String>(outputs as List)
    }

    /**
     * Every command matching the regular expression exits with these statuses, one per run, in
     * order; the last one again for every later run (e.g. a rollout that times out, then its undo that completes).
     */
    void answerStatus(String commandPattern, Integer... exitStatuses) {
        statuses[commandPattern] = new ArrayList<Integer>(exitStatuses as List)
    }

    /** The public URL of an environment, as its smoke test will request it. */
    void serveEnvironment(String name, String publicUrl) {
        environmentsByUrl[publicUrl] = name
    }

    Result run(String command) {
        commands << command
        Integer failure = failures.find { pattern, status -> command =~ pattern }?.value
        if (failure != null) {
            return new Result(failure, "fake failure of: ${command}\n")
        }
        String statusPattern = statuses.keySet().find { command =~ it }
        if (statusPattern != null) {
            List<Integer> exits = statuses[statusPattern]
            int status = exits.size() > 1 ? exits.remove(0) : exits[0]
            return new Result(status, status == 0 ? '' : "fake exit ${status} of: ${command}\n")
        }
        String pattern = answers.keySet().find { command =~ it }
        if (pattern != null) {
            List<String> outputs = answers[pattern]
            return new Result(0, outputs.size() > 1 ? outputs.remove(0) : outputs[0])
        }
        if (command == 'git rev-parse HEAD') {
            return new Result(0, "${commit}\n")
        }
        def playbook = command =~ /ansible-playbook .* -i inventory\/(\S+) -e release_version=(\S+)/
        if (playbook.find()) {
            fleetVersions[playbook.group(1)] = playbook.group(2)
            return new Result(0, '')
        }
        def describeStacks = command =~ /^aws cloudformation describe-stacks --stack-name (\S+) .*OutputKey=='(\w+)'/
        if (describeStacks.find()) {
            return new Result(0, "${stackOutputs["${describeStacks.group(1)}.${describeStacks.group(2)}"] ?: 'None'}\n")
        }
        if (command.startsWith('curl ')) {
            return answerRequest(command)
        }
        return new Result(0, '')
    }

    private Result answerRequest(String command) {
        String environment = environmentsByUrl.find { url, name -> command.contains(url) }?.value
        if (environment == null) {
            return new Result(6, 'curl: (6) Could not resolve host\n')
        }
        String versionHeader = fleetVersions[environment] ? "X-App-Version: ${fleetVersions[environment]}\r\n" : ''
        return new Result(0, "HTTP/2 200\r\ncontent-type: application/json\r\n${versionHeader}X-Served-By: ${environment}-a\r\n\r\n")
    }
}
