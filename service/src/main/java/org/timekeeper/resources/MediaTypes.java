package org.timekeeper.resources;

/** The two representations of the API, with the charset spelled out as WorldTimeAPI does. */
public final class MediaTypes {

    public static final String APPLICATION_JSON_UTF8 = "application/json; charset=utf-8";
    public static final String TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8";

    private MediaTypes() {
    }
}
