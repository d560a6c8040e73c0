package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * A playbook variable whose value is an output of one of the environment's CloudFormation
 * stacks, read at deploy time: e.g. {@code target_group_arn} from the output
 * {@code TargetGroupArn} of the stack {@code <service>-<environment>-load-balancer}. So
 * the pipeline needs no ARN written down, and a re-created stack is picked up by itself.
 */
class StackOutputVariable implements Serializable {

    private static final long serialVersionUID = 1L

    /** Ansible variable names. */
    static final String VARIABLE_PATTERN = /[a-z_][a-z0-9_]*/
    /** {@code <stack layer>.<OutputKey>} */
    private static final String SOURCE_PATTERN = /([a-z0-9][a-z0-9-]*)\.([A-Za-z0-9]+)/

    final String variable
    final String stackLayer
    final String outputKey

    StackOutputVariable(String variable, String stackLayer, String outputKey) {
        this.variable = variable
        this.stackLayer = stackLayer
        this.outputKey = outputKey
    }

    /**
     * @param sources playbook variable to {@code '<stack layer>.<OutputKey>'}
     *        (setting 'stackOutputVars')
     */
    @NonCPS
    static List<StackOutputVariable> parse(String stepName, Map sources) {
        List<String> problems = []
        List<StackOutputVariable> parsed = []
        sources.each { variable, source ->
            def parts = (source as String) =~ "^${SOURCE_PATTERN}\$"
            if (!((variable as String) ==~ VARIABLE_PATTERN)) {
                problems << "setting 'stackOutputVars' has '${variable}', which is not an Ansible variable name".toString()
            } else if (!parts.matches()) {
                problems << ("setting 'stackOutputVars' reads '${variable}' from '${source}', expected " +
                        "'<stack layer>.<OutputKey>' such as 'load-balancer.TargetGroupArn'").toString()
            } else {
                parsed << new StackOutputVariable(variable as String, parts.group(1), parts.group(2))
            }
        }
        if (problems) {
            throw new IllegalArgumentException("${stepName}: ${problems.join('; ')}".toString())
        }
        return parsed
    }

    /**
     * One output named by a setting such as 'environmentUrlOutput', or null when the setting is ''.
     * @param source {@code '<stack layer>.<OutputKey>'}
     */
    @NonCPS
    static StackOutputVariable ofSetting(String stepName, String setting, String source) {
        if (!source) {
            return null
        }
        def parts = source =~ "^${SOURCE_PATTERN}\$"
        if (!parts.matches()) {
            throw new IllegalArgumentException(("${stepName}: setting '${setting}' must be '<stack layer>.<OutputKey>' " +
                    "such as 'load-balancer.ServiceUrl', got '${source}'").toString())
        }
        return new StackOutputVariable(setting, parts.group(1), parts.group(2))
    }

    /** The stacks of one environment are named {@code <service>-<environment>-<layer>}. */
    @NonCPS
    String stackName(String service, Environment environment) {
        return "${service}-${environment.name}-${stackLayer}".toString()
    }

    /**
     * Reads the output on the agent, through the calling step's {@code sh}; fails the build
     * (the step's {@code error}) when the stack has no such output.
     * @param steps the calling step's script, whose {@code sh} and {@code error} are Jenkins'
     */
    String read(Object steps, String stepName, String service, Environment environment, String awsRegion) {
        String stack = stackName(service, environment)
        String value = valueOf(steps.sh(script: ShellCommands.stackOutput(stack, outputKey, awsRegion),
                returnStdout: true) as String)
        if (value == null) {
            String purpose = variable == outputKey ? '' : " (for ${variable})"
            steps.error("${stepName}: stack ${stack} has no output ${outputKey}${purpose}".toString())
        }
        return value
    }

    /** @return the output's value, or null when the stack has no such output */
    @NonCPS
    static String valueOf(String describeStacksOutput) {
        String value = describeStacksOutput?.trim()
        return value && value != 'None' ? value : null
    }
}
