package org.timekeeper.api;

/** The two representations of the API, with the charset spelled out as WorldTimeAPI does. */
public final class MediaTypes {

    public static final String APPLICATION_JSON = "application/json";
    public static final String TEXT_PLAIN = "text/plain";
    public static final String APPLICATION_JSON_UTF8 = APPLICATION_JSON + "; charset=utf-8";
    public static final String TEXT_PLAIN_UTF8 = TEXT_PLAIN + "; charset=utf-8";

    private MediaTypes() {
    }
}
