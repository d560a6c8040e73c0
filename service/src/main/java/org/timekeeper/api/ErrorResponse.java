package org.timekeeper.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Every error of the API: {"error": "..."}, as WorldTimeAPI answers. */
public record ErrorResponse(@JsonProperty("error") String error) {
}
