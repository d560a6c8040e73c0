package org.timekeeper.server;

/**
 * What the Allow header of a 405 says (RFC 9110 requires one): every path of the application
 * port is read-only; on the admin port the tasks take POST and everything else is read-only.
 */
public final class AllowedMethods {

    public static final String READ_ONLY = "GET, HEAD, OPTIONS";
    static final String ADMIN_TASKS_PATH = "/tasks";
    static final String ADMIN_TASKS = "POST";

    private AllowedMethods() {
    }

    static String ofApplicationPath(String path) {
        return READ_ONLY;
    }

    static String ofAdminPath(String path) {
        return path.equals(ADMIN_TASKS_PATH) || path.startsWith(ADMIN_TASKS_PATH + "/") ? ADMIN_TASKS : READ_ONLY;
    }
}
