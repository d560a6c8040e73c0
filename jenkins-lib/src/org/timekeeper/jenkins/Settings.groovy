package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Merges a step's caller settings over its defaults and checks them, so a step fails
 * before it runs anything, with a message naming the bad key.
 *
 * A default of {@code null} marks a required setting; any other default also fixes the
 * setting's type (a caller's value must be of the default's kind: text, whole number,
 * yes/no, list or map).
 */
class Settings implements Serializable {

    private static final long serialVersionUID = 1L

    /**
     * @return the defaults overlaid with the caller's settings
     * @throws IllegalArgumentException naming every unknown, missing or mistyped key
     */
    @NonCPS
    static Map merge(String stepName, Map defaults, Map given) {
        List<String> problems = problems(defaults, given ?: [:])
        if (problems) {
            throw new IllegalArgumentException("${stepName}: ${problems.join('; ')}".toString())
        }
        Map merged = new LinkedHashMap(defaults)
        (given ?: [:]).each { key, value -> merged[key as String] = normalise(value) }
        return merged
    }

    /** Every problem with the caller's settings, in the order of the defaults, then unknown keys. */
    @NonCPS
    static List<String> problems(Map defaults, Map given) {
        List<String> found = []
        defaults.each { key, defaultValue ->
            boolean supplied = given.containsKey(key) && given[key] != null
            if (defaultValue == null && !supplied) {
                found << "missing required setting '${key}'".toString()
            } else if (supplied && defaultValue != null && !sameKind(defaultValue, given[key])) {
                found << ("setting '${key}' must be ${kindName(defaultValue)}, " +
                        "got ${kindName(given[key])} '${given[key]}'").toString()
            }
        }
        given.keySet().findAll { !defaults.containsKey(it) }.each { key ->
            found << ("unknown setting '${key}' (known settings: " +
                    "${defaults.keySet().join(', ')})").toString()
        }
        return found
    }

    /** Fails with a message naming the key unless {@code value} is a positive whole number. */
    @NonCPS
    static int positive(String stepName, String key, Object value) {
        if (!(value instanceof Integer) || (value as Integer) < 1) {
            throw new IllegalArgumentException(
                    "${stepName}: setting '${key}' must be a whole number of at least 1, got '${value}'".toString())
        }
        return value as Integer
    }

    /** Fails with a message naming the first key whose setting is not a positive whole number. */
    @NonCPS
    static void positive(String stepName, Map config, List<String> keys) {
        keys.each { positive(stepName, it, config[it]) }
    }

    /**
     * Playbook variables: names Ansible accepts, values that are text or numbers.
     * @return the variables with text values, in the caller's order
     */
    @NonCPS
    static Map<String, String> variables(String stepName, String key, Map given) {
        Map<String, String> checked = [:]
        given.each { name, value ->
            if (!((name as String) ==~ StackOutputVariable.VARIABLE_PATTERN) ||
                    !(value instanceof CharSequence || value instanceof Number)) {
                throw new IllegalArgumentException(("${stepName}: setting '${key}' has '${name}: ${value}'; " +
                        'expected an Ansible variable name and a text or number value').toString())
            }
            checked[name as String] = value as String
        }
        return checked
    }

    /** The settings 'service' and 'environment' a step acts on: a service's name and an environment's. */
    @NonCPS
    static void serviceAndEnvironment(String stepName, Map config) {
        matching(stepName, 'service', config.service, Release.SERVICE_PATTERN, 'a lower-case name (letters, digits, dashes)')
        matching(stepName, 'environment', config.environment, Environment.NAME_PATTERN, 'an environment name')
    }

    /** Fails with a message naming the key unless {@code value} matches {@code pattern}. */
    @NonCPS
    static String matching(String stepName, String key, Object value, String pattern, String meaning) {
        String text = value as String
        if (text == null || !(text ==~ pattern)) {
            throw new IllegalArgumentException(
                    "${stepName}: setting '${key}' must be ${meaning}, got '${value}'".toString())
        }
        return text
    }

    /**
     * The kind of a value as people read it. Written with instanceof only: a library loaded
     * by a Jenkinsfile runs in the script sandbox, where reflection on classes is refused.
     */
    @NonCPS
    private static String kindName(Object value) {
        if (value instanceof CharSequence) {
            return 'text'
        }
        if (value instanceof Integer) {
            return 'a whole number'
        }
        if (value instanceof Number) {
            return 'a number'
        }
        if (value instanceof Boolean) {
            return 'true or false'
        }
        if (value instanceof List) {
            return 'a list'
        }
        if (value instanceof Map) {
            return 'a map'
        }
        return 'something else'
    }

    @NonCPS
    private static boolean sameKind(Object defaultValue, Object value) {
        return kindName(defaultValue) == kindName(value)
    }

    /** GStrings become Strings, so merged settings compare and serialise plainly. */
    @NonCPS
    private static Object normalise(Object value) {
        return value instanceof GString ? value.toString() : value
    }
}
